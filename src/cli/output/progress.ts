/**
 * A one-line progress display on stderr, only when stdout is a terminal (never when output is
 * piped or parsed), redrawn at most ten times a second.
 */
export class Progress {
  readonly #enabled: boolean;
  #last = 0;
  #shown = false;

  constructor(enabled: boolean) {
    this.#enabled = enabled;
  }

  update(text: string, force = false): void {
    if (!this.#enabled) {
      return;
    }
    const now = Date.now();
    if (!force && now - this.#last < 100) {
      return;
    }
    this.#last = now;
    this.#shown = true;
    const width = process.stderr.columns || 100;
    process.stderr.write(`\r${text.slice(0, width - 1).padEnd(width - 1)}`);
  }

  bar(label: string, done: number, total: number): void {
    const ratio = total > 0 ? Math.min(1, done / total) : 0;
    const cells = 24;
    const filled = Math.round(ratio * cells);
    this.update(`${label} [${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] ${done}/${total}`);
  }

  done(): void {
    if (this.#enabled && this.#shown) {
      process.stderr.write(`\r${' '.repeat((process.stderr.columns || 100) - 1)}\r`);
      this.#shown = false;
    }
  }
}

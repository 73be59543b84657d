/** Everything a command prints for its user goes through here: stdout carries results only. */
export function printLine(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printJson(value: unknown): void {
  printLine(JSON.stringify(value));
}

export function stdoutIsTty(): boolean {
  return process.stdout.isTTY;
}

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  PUBLIC_ID,
  PublicFigures,
  PublishedAppeal,
  TipSubmission,
  portalPaths,
} from '#haven/portal/exchange/portal-exchange.js';

/**
 * The folder the workspace and the portal share. Every write goes to a temporary name first and is
 * renamed into place, so a reader never sees half a file; names are built from validated public
 * ids or random ids only, so no request can steer a path.
 */
export class PortalFolder {
  constructor(readonly dir: string) {}

  private get published(): string {
    return path.join(this.dir, portalPaths.published);
  }

  private get tips(): string {
    return path.join(this.dir, portalPaths.tips);
  }

  async init(): Promise<this> {
    await mkdir(this.published, { recursive: true, mode: 0o700 });
    await mkdir(this.tips, { recursive: true, mode: 0o700 });
    return this;
  }

  /** The image first, then the record that makes it visible. */
  async publish(appeal: PublishedAppeal, jpeg: Buffer): Promise<void> {
    const checked = PublishedAppeal.parse(appeal);
    await this.init();
    await atomicWrite(path.join(this.published, `${checked.publicId}.jpg`), jpeg);
    await atomicWrite(path.join(this.published, `${checked.publicId}.json`), JSON.stringify(checked));
  }

  /** The record first (the appeal disappears at once), then its image. */
  async unpublish(publicId: string): Promise<void> {
    const id = checkedId(publicId);
    await rm(path.join(this.published, `${id}.json`), { force: true });
    await rm(path.join(this.published, `${id}.jpg`), { force: true });
  }

  /**
   * Every live appeal; a file that does not parse is skipped, never shown. The directory is listed
   * on every call (a removed appeal is gone at once); a file is parsed again only when its size or
   * modification time changed.
   */
  async liveAppeals(): Promise<PublishedAppeal[]> {
    const names = (await readdir(this.published).catch(() => [] as string[])).filter(
      (name) => name.endsWith('.json') && PUBLIC_ID.test(name.slice(0, -5)),
    );
    const listed = new Set(names);
    for (const name of this.parsed.keys()) {
      if (!listed.has(name)) {
        this.parsed.delete(name);
      }
    }
    const appeals = await Promise.all(names.map((name) => this.parsedFile(name)));
    return appeals
      .filter((appeal): appeal is PublishedAppeal => appeal !== undefined)
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.publicId.localeCompare(b.publicId));
  }

  private readonly parsed = new Map<string, { stamp: string; appeal: PublishedAppeal | undefined }>();

  private async parsedFile(name: string): Promise<PublishedAppeal | undefined> {
    const file = path.join(this.published, name);
    const info = await stat(file).catch(() => undefined);
    if (!info) {
      return undefined;
    }
    const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
    const cached = this.parsed.get(name);
    if (cached?.stamp === stamp) {
      return cached.appeal;
    }
    const parsed = PublishedAppeal.safeParse(await readJson(file));
    const appeal = parsed.success && `${parsed.data.publicId}.json` === name ? parsed.data : undefined;
    this.parsed.set(name, { stamp, appeal });
    return appeal;
  }

  async liveAppeal(publicId: string): Promise<PublishedAppeal | undefined> {
    if (!PUBLIC_ID.test(publicId)) {
      return undefined;
    }
    const parsed = PublishedAppeal.safeParse(await readJson(path.join(this.published, `${publicId}.json`)));
    return parsed.success ? parsed.data : undefined;
  }

  /** The image of a live appeal only (no record, no image). */
  async liveImage(publicId: string): Promise<Buffer | undefined> {
    if (!(await this.liveAppeal(publicId))) {
      return undefined;
    }
    return readFile(path.join(this.published, `${publicId}.jpg`)).catch(() => undefined);
  }

  async writeFigures(figures: PublicFigures): Promise<void> {
    await this.init();
    await atomicWrite(path.join(this.dir, portalPaths.figures), JSON.stringify(PublicFigures.parse(figures)));
  }

  async figures(): Promise<PublicFigures | undefined> {
    const parsed = PublicFigures.safeParse(await readJson(path.join(this.dir, portalPaths.figures)));
    return parsed.success ? parsed.data : undefined;
  }

  /** Write-only intake: the portal drops a tip and never reads one back. */
  async dropTip(tip: TipSubmission): Promise<void> {
    const checked = TipSubmission.parse(tip);
    await mkdir(this.tips, { recursive: true, mode: 0o700 });
    await atomicWrite(path.join(this.tips, `${checked.id}.json`), JSON.stringify(checked));
  }

  /** Tips waiting to be taken in by the workspace, with a way to remove each once stored. */
  async waitingTips(): Promise<{ tip: TipSubmission | undefined; file: string; remove(): Promise<void> }[]> {
    const names = await readdir(this.tips).catch(() => [] as string[]);
    const waiting = [];
    for (const name of names.sort()) {
      if (!name.endsWith('.json')) {
        continue;
      }
      const file = path.join(this.tips, name);
      const parsed = TipSubmission.safeParse(await readJson(file));
      waiting.push({
        tip: parsed.success ? parsed.data : undefined,
        file: name,
        remove: () => rm(file, { force: true }),
      });
    }
    return waiting;
  }
}

function checkedId(publicId: string): string {
  if (!PUBLIC_ID.test(publicId)) {
    throw new Error(`not a public id: ${publicId}`);
  }
  return publicId;
}

async function readJson(file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function atomicWrite(file: string, data: string | Buffer): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, data, { mode: 0o600 });
  await rename(temporary, file);
}

import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { displayPathOf } from '#haven/ingest/walk/display-path.js';
import { NO_TIMES, timesOf, type FileTimes } from '#haven/ingest/walk/file-times.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';

/** A regular file found under the sources, or a path that could not be walked and why. */
export interface WalkEntry {
  readonly displayPath: string;
  /** Raw bytes of the absolute path: the identity of this occurrence. */
  readonly pathKey: Buffer;
  readonly size: number;
  readonly times: FileTimes;
  readonly problem?: { readonly code: ErrorCode; readonly reason: string };
}

const SEPARATOR = Buffer.from('/');

/**
 * Walks files and folders (recursively, in byte order of names so that runs are repeatable).
 * Symbolic links are followed; a link back into a folder being walked is reported as a loop, and
 * every real folder is walked once. Nothing here reads file contents.
 */
export async function* walkSources(sources: readonly string[]): AsyncGenerator<WalkEntry> {
  const walkedFolders = new Set<string>();
  for (const source of sources) {
    const absolute = Buffer.from(path.resolve(source));
    yield* walkPath(absolute, [], walkedFolders);
  }
}

async function* walkPath(
  fsPath: Buffer,
  ancestors: readonly string[],
  walkedFolders: Set<string>,
): AsyncGenerator<WalkEntry> {
  let linkStats: Stats;
  try {
    linkStats = await lstat(fsPath);
  } catch (error) {
    yield problem(fsPath, 'INPUT_UNREADABLE', errnoReason(error));
    return;
  }
  let stats = linkStats;
  if (linkStats.isSymbolicLink()) {
    try {
      stats = await stat(fsPath);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const reason =
        code === 'ELOOP'
          ? 'symbolic link loop'
          : code === 'ENOENT'
            ? 'broken symbolic link (target missing)'
            : errnoReason(error);
      yield problem(fsPath, 'INPUT_UNREADABLE', reason);
      return;
    }
  }
  if (stats.isFile()) {
    yield { displayPath: displayPathOf(fsPath), pathKey: fsPath, size: stats.size, times: timesOf(stats) };
    return;
  }
  if (!stats.isDirectory()) {
    yield problem(fsPath, 'INPUT_UNREADABLE', `not a regular file (${kindOf(stats)}); not read`);
    return;
  }
  const identity = `${stats.dev}:${stats.ino}`;
  if (ancestors.includes(identity)) {
    const target = await realpath(fsPath).catch(() => '?');
    yield problem(fsPath, 'INPUT_UNREADABLE', `symbolic link loop (points back to ${target})`);
    return;
  }
  if (walkedFolders.has(identity)) {
    return;
  }
  walkedFolders.add(identity);
  let names: Buffer[];
  try {
    names = await listNames(fsPath);
  } catch (error) {
    yield problem(fsPath, 'INPUT_UNREADABLE', errnoReason(error));
    return;
  }
  for (const name of names) {
    yield* walkPath(Buffer.concat([fsPath, SEPARATOR, name]), [...ancestors, identity], walkedFolders);
  }
}

async function listNames(folder: Buffer): Promise<Buffer[]> {
  const names = await readdir(folder, { encoding: 'buffer' });
  return names.sort((a, b) => Buffer.compare(a, b));
}

function problem(fsPath: Buffer, code: ErrorCode, reason: string): WalkEntry {
  return {
    displayPath: displayPathOf(fsPath),
    pathKey: fsPath,
    size: 0,
    times: NO_TIMES,
    problem: { code, reason },
  };
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) {
    return 'named pipe';
  }
  if (stats.isSocket()) {
    return 'socket';
  }
  if (stats.isCharacterDevice() || stats.isBlockDevice()) {
    return 'device';
  }
  return 'special file';
}

export function errnoReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EIO':
      return 'input/output error (damaged medium?)';
    default:
      return (error as Error).message;
  }
}

import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { havenError } from '#haven/platform/errors/haven-error.js';

export interface DataDirLock {
  release(): void;
}

interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
  /** Linux boot id and process start tick, so that a recycled pid is not mistaken for the owner. */
  readonly bootId?: string | undefined;
  readonly startTick?: string | undefined;
}

const LOCK_FILE = 'haven.lock';

/**
 * Takes exclusive ownership of a data directory for this process. A second process gets
 * DATA_DIR_LOCKED naming the owner; a lock left by a process that died on this host is taken over.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const file = path.join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const fd = tryCreate(file);
    if (fd !== undefined) {
      const owner: LockOwner = {
        pid: process.pid,
        host: os.hostname(),
        since: new Date().toISOString(),
        bootId: readProcFile('/proc/sys/kernel/random/boot_id'),
        startTick: processStartTick(process.pid),
      };
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (!released) {
          released = true;
          rmSync(file, { force: true });
          process.removeListener('exit', release);
        }
      };
      process.on('exit', release);
      return { release };
    }
    const owner = readOwner(file);
    if (owner && isHeldBy(owner)) {
      throw havenError('DATA_DIR_LOCKED', { dataDir, pid: owner.pid, host: owner.host, since: owner.since });
    }
    // Stale (its process is gone) or unreadable (a writer died mid-write): remove and retry.
    rmSync(file, { force: true });
  }
  throw havenError('DATA_DIR_UNUSABLE', { dataDir, reason: `cannot take the lock file ${file}` });
}

function tryCreate(file: string): number | undefined {
  try {
    return openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      return undefined;
    }
    throw havenError('DATA_DIR_UNUSABLE', {
      dataDir: path.dirname(file),
      reason: (error as Error).message,
    });
  }
}

function readOwner(file: string): LockOwner | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
    if (typeof parsed.pid === 'number' && typeof parsed.host === 'string') {
      return {
        pid: parsed.pid,
        host: parsed.host,
        since: text(parsed.since) ?? 'unknown',
        bootId: text(parsed.bootId),
        startTick: text(parsed.startTick),
      };
    }
  } catch {
    // Unreadable or half-written: treated as stale by the caller.
  }
  return undefined;
}

function isHeldBy(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) {
    // Another machine sharing the directory: we cannot check its processes, so respect the lock.
    return true;
  }
  if (owner.pid === process.pid) {
    return true;
  }
  const bootId = readProcFile('/proc/sys/kernel/random/boot_id');
  if (owner.bootId !== undefined && bootId !== undefined && owner.bootId !== bootId) {
    return false;
  }
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const startTick = processStartTick(owner.pid);
  return owner.startTick === undefined || startTick === undefined || owner.startTick === startTick;
}

function readProcFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat: the start time in clock ticks since boot (Linux only). */
function processStartTick(pid: number): string | undefined {
  const stat = readProcFile(`/proc/${pid}/stat`);
  if (stat === undefined) {
    return undefined;
  }
  // The command name (field 2) may contain spaces and parentheses; fields resume after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return fields[19];
}

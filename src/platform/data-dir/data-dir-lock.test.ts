import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { lockDataDir, type DataDirLock } from '#haven/platform/data-dir/data-dir-lock.js';
import type { ErrorCode } from '#haven/platform/errors/error-catalogue.js';
import { HavenError } from '#haven/platform/errors/haven-error.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { REPO_ROOT } from '../../../test/support/shared-data.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';

// Other processes must run the real module, so they import the compiled copy (built by the global setup).
const COMPILED = pathToFileURL(
  path.join(REPO_ROOT, 'dist', 'src', 'platform', 'data-dir', 'data-dir-lock.js'),
).href;
const CHILD_ENV = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: os.tmpdir() };

/** Tries to lock `dir` and prints the outcome as one JSON line; holds the lock until stdin closes if asked. */
const LOCKER = `
import { lockDataDir } from ${JSON.stringify(COMPILED)};
const [dir, mode] = process.argv.slice(1);
try {
  lockDataDir(dir);
  console.log(JSON.stringify({ ok: true, pid: process.pid }));
  if (mode === 'hold') {
    process.stdin.resume();
  }
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code, message: error.message, details: error.details }));
}
`;

interface LockAttempt {
  readonly ok: boolean;
  readonly pid?: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

const LOCK_FILE = 'haven.lock';
const held: DataDirLock[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

afterEach(() => {
  for (const lock of held.splice(0)) {
    lock.release();
  }
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
});

function lock(dir: string): DataDirLock {
  const taken = lockDataDir(dir);
  held.push(taken);
  return taken;
}

function startLocker(dir: string, mode: 'try' | 'hold'): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--input-type=module', '-e', LOCKER, dir, mode], { env: CHILD_ENV });
  children.push(child);
  return child;
}

/** The first line the locker prints. */
function firstAttempt(child: ChildProcessWithoutNullStreams): Promise<LockAttempt> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline >= 0) {
        resolve(JSON.parse(stdout.slice(0, newline)) as LockAttempt);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      reject(new Error(`locker exited (${code}) without an answer: ${stderr}`));
    });
  });
}

function exited(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
    } else {
      child.on('exit', () => {
        resolve();
      });
    }
  });
}

function tryLockInChild(dir: string): Promise<LockAttempt> {
  return firstAttempt(startLocker(dir, 'try'));
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { env: CHILD_ENV });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  return pid;
}

function expectCode(work: () => unknown, code: ErrorCode): HavenError {
  let caught: unknown;
  try {
    work();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).toBeInstanceOf(HavenError);
  expect((caught as HavenError).code).toBe(code);
  return caught as HavenError;
}

function lockOwner(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, LOCK_FILE), 'utf8')) as Record<string, unknown>;
}

function writeLockFile(dir: string, owner: Record<string, unknown>): void {
  writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(owner));
}

describe('lockDataDir', () => {
  it('records the owner (pid, host, start time) in an owner-only lock file', () => {
    const dir = tempDir();
    lock(dir);
    const owner = lockOwner(dir);
    expect(owner.pid).toBe(process.pid);
    expect(owner.host).toBe(os.hostname());
    expect(Number.isNaN(Date.parse(String(owner.since)))).toBe(false);
    expect(statSync(path.join(dir, LOCK_FILE)).mode & 0o777).toBe(0o600);
  });

  it('refuses a second process with DATA_DIR_LOCKED naming the owning pid', async () => {
    const dir = tempDir();
    lock(dir);
    const attempt = await tryLockInChild(dir);
    expect(attempt.ok).toBe(false);
    expect(attempt.code).toBe('DATA_DIR_LOCKED');
    expect(attempt.details?.pid).toBe(process.pid);
    expect(attempt.message).toContain(String(process.pid));
    expect(attempt.message).toContain(dir);
    // The refused process must not have disturbed the owner's lock.
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('refuses this process while another process holds the lock', async () => {
    const dir = tempDir();
    const holder = startLocker(dir, 'hold');
    const holding = await firstAttempt(holder);
    expect(holding.ok).toBe(true);
    const error = expectCode(() => lock(dir), 'DATA_DIR_LOCKED');
    expect(error.details.pid).toBe(holder.pid);
    expect(error.message).toContain(String(holder.pid));
  });

  it('refuses a second lock from the same process', () => {
    const dir = tempDir();
    lock(dir);
    expectCode(() => lock(dir), 'DATA_DIR_LOCKED');
  });

  it('removes the lock file on release, and releasing twice is harmless', () => {
    const dir = tempDir();
    const taken = lockDataDir(dir);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    taken.release();
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    taken.release();
  });

  it('can be taken again after release, by this process and by another', async () => {
    const dir = tempDir();
    lockDataDir(dir).release();
    lockDataDir(dir).release();
    const attempt = await tryLockInChild(dir);
    expect(attempt).toMatchObject({ ok: true });
  });

  it('is released when the owning process exits normally', async () => {
    const dir = tempDir();
    const child = startLocker(dir, 'try');
    expect((await firstAttempt(child)).ok).toBe(true);
    await exited(child);
    expect(existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    lock(dir);
  });

  it('takes over the lock of a process that was killed while holding it', async () => {
    const dir = tempDir();
    const holder = startLocker(dir, 'hold');
    expect((await firstAttempt(holder)).ok).toBe(true);
    holder.kill('SIGKILL');
    await exited(holder);
    // SIGKILL skips exit handlers: the file is still there, naming a dead process.
    expect(lockOwner(dir).pid).toBe(holder.pid);
    lock(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('takes over a stale lock naming a process that has exited', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeLockFile(dir, { pid, host: os.hostname(), since: new Date().toISOString() });
    lock(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it.each([
    ['garbage', 'this is not json'],
    ['empty (writer died before writing)', ''],
    ['JSON without a pid', JSON.stringify({ host: os.hostname() })],
    ['half-written JSON', '{"pid": 12'],
  ])('takes over a lock file with %s content', (_label, text) => {
    const dir = tempDir();
    writeFileSync(path.join(dir, LOCK_FILE), text);
    lock(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('respects a lock taken on another host even when the pid is unknown here', async () => {
    const dir = tempDir();
    const pid = await deadPid();
    writeLockFile(dir, { pid, host: `not-${os.hostname()}`, since: '2020-01-01T00:00:00Z' });
    const error = expectCode(() => lock(dir), 'DATA_DIR_LOCKED');
    expect(error.details.host).toBe(`not-${os.hostname()}`);
    expect(error.details.since).toBe('2020-01-01T00:00:00Z');
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid is alive but was recycled by another process (start tick differs)',
    async () => {
      const dir = tempDir();
      const other = startLocker(tempDir(), 'hold');
      expect((await firstAttempt(other)).ok).toBe(true);
      writeLockFile(dir, { pid: other.pid, host: os.hostname(), since: 'then', startTick: '1' });
      lock(dir);
      expect(lockOwner(dir).pid).toBe(process.pid);
    },
  );

  it.runIf(process.platform === 'linux')('takes over a lock written before the last reboot', async () => {
    const dir = tempDir();
    const other = startLocker(tempDir(), 'hold');
    expect((await firstAttempt(other)).ok).toBe(true);
    writeLockFile(dir, { pid: other.pid, host: os.hostname(), since: 'then', bootId: 'an-earlier-boot' });
    lock(dir);
    expect(lockOwner(dir).pid).toBe(process.pid);
  });

  it('fails with DATA_DIR_UNUSABLE when the directory does not exist', () => {
    const dir = path.join(tempDir(), 'missing');
    expectCode(() => lock(dir), 'DATA_DIR_UNUSABLE');
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A PostgreSQL server the tests may create databases on. */
export interface PostgresServer {
  /** postgres://... of a superuser, on the maintenance database `postgres`. */
  readonly adminUrl: string;
  /** Stops the server and deletes its files (idempotent). */
  stop(): void;
}

const MIN_VERSION = 15;

/**
 * Starts a private, throwaway PostgreSQL cluster in a new temporary folder: its own initdb, a free
 * port on 127.0.0.1, its socket in that folder, password authentication, fsync off. Nothing on the
 * machine is used or changed apart from that folder, which stop() deletes. Runs the server as the
 * `postgres` system user when called as root (PostgreSQL refuses to run as root).
 */
export async function startPrivatePostgres(): Promise<PostgresServer> {
  const bin = findServerBinaries();
  const owner = process.getuid?.() === 0 ? systemUser('postgres') : undefined;
  const root = mkdtempSync(path.join(os.tmpdir(), 'haven-test-postgres-'));
  const data = path.join(root, 'data');
  const log = path.join(root, 'server.log');
  let running = false;
  const stop = (): void => {
    if (running) {
      running = false;
      run(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], owner, root, true);
    }
    rmSync(root, { recursive: true, force: true });
  };
  // Even when the test run is interrupted, the server must not outlive it.
  process.once('exit', stop);
  try {
    if (owner) {
      chownSync(root, owner.uid, owner.gid);
    }
    const password = randomBytes(18).toString('hex');
    const passwordFile = path.join(root, 'password');
    writeFileSync(passwordFile, password, { mode: 0o600 });
    if (owner) {
      chownSync(passwordFile, owner.uid, owner.gid);
    }
    run(
      bin,
      'initdb',
      [
        '-D',
        data,
        '-U',
        'haven_admin',
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
        '--no-sync',
      ],
      owner,
      root,
    );
    rmSync(passwordFile);
    let port = 0;
    for (let attempt = 1; !running; attempt += 1) {
      port = await freePort();
      const options = [
        `-p ${port}`,
        `-k ${root}`,
        '-c listen_addresses=127.0.0.1',
        // A throwaway server: durability is worth nothing here, speed is.
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=400',
      ].join(' ');
      try {
        run(bin, 'pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start'], owner, root);
        running = true;
      } catch (error) {
        // Another process may have taken the port between the probe and the start.
        if (attempt >= 3) {
          const serverLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
          throw new Error(`${(error as Error).message}\nserver log:\n${serverLog}`, { cause: error });
        }
      }
    }
    return { adminUrl: `postgres://haven_admin:${password}@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    stop();
    process.removeListener('exit', stop);
    throw error;
  }
}

interface SystemUser {
  readonly uid: number;
  readonly gid: number;
}

/** The newest installed server binaries of PostgreSQL 15 or newer, or a clear error. */
function findServerBinaries(): string {
  const candidates: string[] = [];
  const fromEnv = process.env.HAVEN_TEST_POSTGRES_BIN;
  if (fromEnv) {
    candidates.push(fromEnv);
  }
  // Debian keeps server binaries off PATH, one folder per major version.
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    for (const version of readdirSync(debian)
      .filter((name) => /^\d+$/.test(name) && Number(name) >= MIN_VERSION)
      .sort((a, b) => Number(b) - Number(a))) {
      candidates.push(path.join(debian, version, 'bin'));
    }
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir) {
      candidates.push(dir);
    }
  }
  for (const dir of candidates) {
    const initdb = path.join(dir, 'initdb');
    if (existsSync(initdb) && existsSync(path.join(dir, 'pg_ctl')) && majorVersion(initdb) >= MIN_VERSION) {
      return dir;
    }
  }
  throw new Error(
    `The tests run on PostgreSQL ${MIN_VERSION}+ as well as on the embedded database, but no PostgreSQL ` +
      `server binaries (initdb, pg_ctl) of version ${MIN_VERSION} or newer were found ` +
      '(looked in $HAVEN_TEST_POSTGRES_BIN, /usr/lib/postgresql/*/bin and PATH). Install them with ' +
      "`bash scripts/install-system-deps.sh` (Debian's postgresql package), or set HAVEN_TEST_POSTGRES_URL " +
      'to a server of your own (a role allowed to create databases), or run only the embedded-database ' +
      'tests: `npx vitest run --project pglite`.',
  );
}

function majorVersion(initdb: string): number {
  try {
    const text = execFileSync(initdb, ['--version'], { encoding: 'utf8' });
    return Number(/(\d+)(\.\d+)?/.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

function systemUser(name: string): SystemUser {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(
      `The tests run as root, and PostgreSQL refuses to: they start it as the "${name}" system user, which ` +
        "does not exist. Debian's postgresql package creates it (bash scripts/install-system-deps.sh).",
    );
  }
}

function run(
  bin: string,
  tool: string,
  args: readonly string[],
  owner: SystemUser | undefined,
  cwd: string,
  quiet = false,
): void {
  const result = spawnSync(path.join(bin, tool), args, {
    cwd,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C' },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 120_000,
    ...(owner ?? {}),
  });
  if ((result.status !== 0 || result.error) && !quiet) {
    throw new Error(
      `${tool} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}):\n` +
        `${result.stdout}${result.stderr}`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

/** The same server URL, on another database. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

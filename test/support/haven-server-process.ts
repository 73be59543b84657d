import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';
import { HAVEN_BIN, runCli } from './cli.js';
import { testEnv } from './haven-fixture.js';
import { REPO_ROOT } from './shared-data.js';
import { databaseEnv } from './test-database.js';

/** A real `haven serve` child process serving the built app and the API. */
export interface HavenProcess {
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Puts the built web app into `outDir`. It is built once per test run and bundle kind (Vite
 * refuses a second build of the project while one runs, and files run two at a time), then
 * copied. `nodeEnv` 'development' bundles React's development build, as `npm run dev:web` runs it.
 */
export function buildWebApp(outDir: string, nodeEnv: 'production' | 'development' = 'production'): void {
  const built = path.join(inject('webBuildRoot'), nodeEnv);
  const lock = `${built}.lock`;
  const deadline = Date.now() + 10 * 60_000;
  while (!existsSync(path.join(built, '.complete'))) {
    if (Date.now() > deadline) {
      throw new Error(`the ${nodeEnv} web build did not finish in time`);
    }
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it: wait for it.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 250);
      continue;
    }
    try {
      viteBuild(built, nodeEnv);
      writeFileSync(path.join(built, '.complete'), '');
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  mkdirSync(outDir, { recursive: true });
  cpSync(built, outDir, { recursive: true, filter: (source) => path.basename(source) !== '.complete' });
}

function viteBuild(outDir: string, nodeEnv: 'production' | 'development'): void {
  execFileSync(
    process.execPath,
    [
      path.join(REPO_ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    // Production by default, the bundle `haven serve` ships: vitest sets NODE_ENV=test, which would
    // otherwise make Vite bundle React's development build (StrictMode double effects).
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, NODE_ENV: nodeEnv },
    },
  );
}

/**
 * Environment of the served process: cheap password hashes for speed; session cookies stay Secure
 * as in production (browsers accept them from http://127.0.0.1, a potentially trustworthy origin).
 */
async function serverEnv(dataDir: string, webDir: string): Promise<Record<string, string>> {
  return {
    ...(await databaseEnv(dataDir)),
    HAVEN_PASSWORD_COST: '10',
    HAVEN_SECURE_COOKIES: 'true',
    HAVEN_WEB_DIR: webDir,
    HAVEN_INDEX_REFRESH_SECONDS: '1',
  };
}

export async function startHavenProcess(dataDir: string, webDir: string): Promise<HavenProcess> {
  const env = await serverEnv(dataDir, webDir);
  const child: ChildProcess = spawn(
    process.execPath,
    [HAVEN_BIN, 'serve', '--data', dataDir, '--port', '0'],
    {
      env: testEnv({ ...env, HAVEN_LOG_LEVEL: 'info', HAVEN_LOG_FORMAT: 'json' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      log += chunk.toString('utf8');
      const listening = /Haven listening on (http:\/\/[^"\s]+)/.exec(log);
      if (listening) {
        resolve(listening[1]!);
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`haven serve exited with ${code}: ${log.slice(-2000)}`));
    });
  });
  return {
    url,
    dataDir,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.on('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** An agency made with the admin command line (as on a new installation). */
export async function adminCreateAgency(dataDir: string, name: string, country: string): Promise<void> {
  const result = await runCli(
    [
      'admin',
      'create-agency',
      '--data',
      dataDir,
      '--name',
      name,
      '--country',
      country,
      '--type',
      'national_police',
    ],
    { HAVEN_PASSWORD_COST: '10' },
  );
  if (result.code !== 0) {
    throw new Error(`create-agency failed: ${result.stderr}`);
  }
}

/** A user made with the admin command line; returns the generated password it prints once. */
export async function adminCreateUser(
  dataDir: string,
  user: { agency: string; username: string; displayName: string; roles: string },
): Promise<string> {
  const result = await runCli(
    [
      'admin',
      'create-user',
      '--data',
      dataDir,
      '--agency',
      user.agency,
      '--username',
      user.username,
      '--display-name',
      user.displayName,
      '--roles',
      user.roles,
      '--json',
    ],
    { HAVEN_PASSWORD_COST: '10' },
  );
  if (result.code !== 0) {
    throw new Error(`create-user failed: ${result.stderr}`);
  }
  const created = JSON.parse(result.stdout.trim()) as { password?: string };
  if (!created.password) {
    throw new Error('create-user printed no password');
  }
  return created.password;
}

import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared-data.js';
import { testEnv } from './haven-fixture.js';
import { databaseEnv } from './test-database.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const HAVEN_BIN = path.join(REPO_ROOT, 'bin', 'haven.js');

/**
 * Runs the real `haven` command (compiled) in a child process. A data directory given with --data
 * (or HAVEN_DATA_DIR) comes with its database: in the postgres project, its DATABASE_URL.
 */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  user?: { uid: number; gid: number },
): Promise<CliResult> {
  const dataDir = dataDirOf(args) ?? env.HAVEN_DATA_DIR;
  const fullEnv = testEnv({ ...(dataDir === undefined ? {} : await databaseEnv(dataDir)), ...env });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], {
      env: fullEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(user ?? {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
}

function dataDirOf(args: readonly string[]): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === '--data') {
      return args[i + 1];
    }
    if (arg.startsWith('--data=')) {
      return arg.slice('--data='.length);
    }
  }
  return undefined;
}

/** The JSON lines of a --json run (every stdout line must be JSON). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

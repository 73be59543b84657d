import { spawn } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared-data.js';
import { testEnv } from './haven-fixture.js';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const HAVEN_BIN = path.join(REPO_ROOT, 'bin', 'haven.js');

/** Runs the real `haven` command (compiled) in a child process. */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  user?: { uid: number; gid: number },
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], {
      env: testEnv(env),
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

/** The JSON lines of a --json run (every stdout line must be JSON). */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

import { spawn, type ChildProcess } from 'node:child_process';
import { HAVEN_BIN } from './cli.js';

/** A real `haven serve --role portal` child process on a portal folder. */
export interface PortalProcess {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts the portal with nothing but its folder: no data directory of the workspace, no database
 * URL and no evidence key in its environment.
 */
export async function startPortalProcess(
  portalDir: string,
  env: Record<string, string> = {},
): Promise<PortalProcess> {
  const child: ChildProcess = spawn(
    process.execPath,
    [
      HAVEN_BIN,
      'serve',
      '--role',
      'portal',
      '--portal-dir',
      portalDir,
      '--port',
      '0',
      '--data',
      `${portalDir}-unused`,
    ],
    {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: process.env.HOME ?? '/tmp',
        HAVEN_LOG_FORMAT: 'json',
        HAVEN_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let log = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString('utf8');
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const listening = /"portal":"(http:\/\/[^"]+)"/.exec(out);
      if (listening) {
        resolve(listening[1]!);
      }
    });
    child.on('exit', (code) => {
      reject(new Error(`haven serve --role portal exited with ${code}: ${log.slice(-2000)}`));
    });
  });
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        if (child.exitCode !== null) {
          resolve();
          return;
        }
        child.once('exit', () => {
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** The hidden form token of an appeal page. */
export function formToken(html: string): string {
  const token = /name="token" value="([^"]+)"/.exec(html)?.[1];
  if (!token) {
    throw new Error('no form token on the page');
  }
  return token;
}

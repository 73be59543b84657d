import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ApiClient, errorCode, signIn, type SeededUser, type Session } from './support/api-client.js';
import { HAVEN_BIN, jsonLines, runCli, type CliResult } from './support/cli.js';
import { freshDataDir, testEnv } from './support/haven-fixture.js';
import { databaseEnv, openDataDirDatabase } from './support/test-database.js';

const FAST = { HAVEN_PASSWORD_COST: '10' };

/** Runs `haven` with `input` on its standard input (runCli gives it none). */
async function runWithInput(args: readonly string[], input: string, dataDir: string): Promise<CliResult> {
  const env = testEnv({ ...(await databaseEnv(dataDir)), ...FAST });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [HAVEN_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

/** `haven serve --port 0` as a real child process; resolves with its URL once it listens. */
async function serve(dataDir: string): Promise<{ url: string; child: ChildProcess; stop(): Promise<void> }> {
  const env = testEnv({ ...(await databaseEnv(dataDir)), ...FAST, HAVEN_LOG_LEVEL: 'info' });
  const child = spawn(process.execPath, [HAVEN_BIN, 'serve', '--data', dataDir, '--port', '0'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve();
    }),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    const timer = setTimeout(() => {
      reject(new Error(`serve did not start:\n${buffer}`));
    }, 60_000);
    child.stderr.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (const line of buffer.split('\n')) {
        const match = /"msg":"Haven listening on (http:\/\/[^"]+)"/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${buffer}`));
    });
  });
  return {
    url,
    child,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

describe('haven admin', () => {
  it('bootstraps the first central administrator, who then signs in over HTTP; unlocks and resets MFA', async () => {
    const dataDir = freshDataDir();
    const agency = await runCli(
      [
        'admin',
        'create-agency',
        '--data',
        dataDir,
        '--name',
        'Central VID',
        '--country',
        'fr',
        '--type',
        'international',
        '--json',
      ],
      FAST,
    );
    expect(agency.code, agency.stderr).toBe(0);
    expect(jsonLines(agency.stdout)[0]).toMatchObject({
      name: 'Central VID',
      country: 'FR',
      type: 'international',
    });

    const password = 'Bootstrap passphrase 2031';
    const admin = await runWithInput(
      [
        'admin',
        'create-user',
        '--data',
        dataDir,
        '--agency',
        'Central VID',
        '--username',
        'Root.Admin',
        '--display-name',
        'First Administrator',
        '--roles',
        'central_admin',
        '--password-stdin',
      ],
      `${password}\n`,
      dataDir,
    );
    expect(admin.code, admin.stderr).toBe(0);
    expect(admin.stdout).toContain('Created user root.admin in Central VID (central_admin)');
    expect(admin.stdout).not.toContain(password);

    const generated = await runCli(
      [
        'admin',
        'create-user',
        '--data',
        dataDir,
        '--agency',
        'Central VID',
        '--username',
        'analyst',
        '--display-name',
        'An Analyst',
        '--roles',
        'reviewer, investigator',
        '--json',
      ],
      FAST,
    );
    expect(generated.code, generated.stderr).toBe(0);
    const created = jsonLines(generated.stdout)[0]!;
    expect(created).toMatchObject({ username: 'analyst', roles: ['investigator', 'reviewer'] });
    expect(created.password).toMatch(/^[A-Za-z0-9]{20}$/);

    const server = await serve(dataDir);
    try {
      const client = new ApiClient(server.url);
      const root: SeededUser = {
        id: '',
        username: 'root.admin',
        password,
        agencyId: '',
        roles: ['central_admin'],
        lastStep: 0,
      };
      const session = await signIn(client, root);
      expect(session).toMatchObject({
        stage: 'active',
        user: { username: 'root.admin', agency: { name: 'Central VID' } },
      });
      expect((await client.get<{ users: unknown[] }>('/users')).body.users).toHaveLength(2);

      // Lock the analyst out (5 failures by default).
      const other = new ApiClient(server.url);
      for (let n = 0; n < 5; n += 1) {
        await other.post('/auth/login', { username: 'analyst', password: `Wrong password ${n}` });
      }
      const locked = await other.post<Session>('/auth/login', {
        username: 'analyst',
        password: created.password,
      });
      expect(errorCode(locked)).toBe('ACCOUNT_LOCKED');
    } finally {
      await server.stop();
    }

    const unlock = await runCli(['admin', 'unlock', '--data', dataDir, '--username', 'analyst'], FAST);
    expect(unlock.code, unlock.stderr).toBe(0);
    expect(unlock.stdout).toContain('analyst unlocked');
    const reset = await runCli(
      ['admin', 'reset-mfa', '--data', dataDir, '--username', 'root.admin', '--json'],
      FAST,
    );
    expect(reset.code, reset.stderr).toBe(0);
    expect(jsonLines(reset.stdout)[0]).toEqual({ username: 'root.admin', mfaReset: true });

    const listed = await runCli(['admin', 'list-users', '--data', dataDir, '--json'], FAST);
    expect(listed.code, listed.stderr).toBe(0);
    expect(jsonLines(listed.stdout)).toMatchObject([
      { username: 'analyst', lockedUntil: null, mfaEnabled: false },
      { username: 'root.admin', roles: ['central_admin'], mfaEnabled: false, lockedUntil: null },
    ]);

    const db = await openDataDirDatabase(dataDir);
    try {
      const rows = await db.query<{ action: string; actor_kind: string; actor_id: string; details: string }>(
        `SELECT action, actor_kind, actor_id, details::text AS details FROM audit_log
         WHERE actor_kind = 'system' ORDER BY seq`,
      );
      expect(rows.map((row) => [row.action, row.actor_id])).toEqual([
        ['agency.create', 'cli:test-operator'],
        ['user.create', 'cli:test-operator'],
        ['user.create', 'cli:test-operator'],
        ['user.unlock', 'cli:test-operator'],
        ['user.mfa.reset', 'cli:test-operator'],
      ]);
      const all = await db.query<{ text: string }>('SELECT row_to_json(a)::text AS text FROM audit_log a');
      const text = all.map((row) => row.text).join('\n');
      expect(text).not.toContain(password);
      expect(text).not.toContain(String(created.password));
    } finally {
      await db.close();
    }
  }, 180_000); // a dozen haven processes and a server

  it('refuses bad input with exit code 2 and a clear message', async () => {
    const dataDir = freshDataDir();
    const cases: [string[], RegExp][] = [
      [
        ['create-agency', '--name', 'X', '--country', 'QQ', '--type', 'local'],
        /not an ISO 3166-1 alpha-2 code/,
      ],
      [['create-agency', '--name', 'X', '--country', 'FR', '--type', 'militia'], /--type must be one of/],
      [['create-agency', '--name', 'X', '--country', 'FR'], /required option '--type <type>'/],
      [
        [
          'create-user',
          '--agency',
          'Nowhere',
          '--username',
          'a.b',
          '--display-name',
          'A',
          '--roles',
          'superuser',
        ],
        /--roles must be one of/,
      ],
      [
        [
          'create-user',
          '--agency',
          'Nowhere',
          '--username',
          'a b',
          '--display-name',
          'A',
          '--roles',
          'reviewer',
        ],
        /--username: 2 to 64/,
      ],
      [
        [
          'create-user',
          '--agency',
          'Nowhere',
          '--username',
          'a.b',
          '--display-name',
          'A',
          '--roles',
          'reviewer',
        ],
        /No agency named "Nowhere"/,
      ],
      [['unlock', '--username', 'ghost'], /No user named "ghost"/],
    ];
    for (const [args, message] of cases) {
      const result = await runCli(['admin', ...args, '--data', dataDir], FAST);
      expect([args.join(' '), result.code]).toEqual([args.join(' '), 2]);
      expect(result.stderr).toMatch(message);
    }
    const weak = await runWithInput(
      [
        'admin',
        'create-user',
        '--data',
        dataDir,
        '--agency',
        'X',
        '--username',
        'weak',
        '--display-name',
        'W',
        '--roles',
        'reviewer',
        '--password-stdin',
      ],
      'password1234\n',
      dataDir,
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('Password rejected: it is one of the most common passwords');
  });
});

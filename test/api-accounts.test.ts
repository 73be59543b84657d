import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Role } from '#haven/access/permissions.js';
import { base32Decode } from '#haven/accounts/base32.js';
import { totpStep } from '#haven/accounts/totp.js';
import type { Haven } from '#haven/app/haven.js';
import {
  ApiClient,
  bearer,
  createToken,
  errorCode,
  expectStatus,
  nextTotpCode,
  seedAgency,
  seedUser,
  signIn,
  signedInClient,
  totpCode,
  type ApiResponse,
  type JsonObject,
  type SeededUser,
  type Session,
} from './support/api-client.js';
import { apiServerForFile, startApiServer } from './support/api-server.js';

// Lockout after 3 failures; the address budget is high so that tests sharing the server
// (all from 127.0.0.1) do not limit each other. The budget itself is tested on a server of its own.
const server = apiServerForFile({ HAVEN_LOCKOUT_THRESHOLD: '3', HAVEN_LOGIN_FAILURES_PER_ADDRESS: '1000' });

interface AuditRow extends Record<string, unknown> {
  seq: number;
  actor_kind: string;
  actor_id: string | null;
  actor_name: string | null;
  agency_id: string | null;
  action: string;
  outcome: string;
  object_type: string | null;
  object_id: string | null;
  client_ip: string | null;
  details: JsonObject;
}

async function auditOf(haven: Haven, objectId: string): Promise<AuditRow[]> {
  return haven.db.query<AuditRow>('SELECT * FROM audit_log WHERE object_id = $1 ORDER BY seq', [objectId]);
}

async function auditByName(haven: Haven, name: string): Promise<AuditRow[]> {
  return haven.db.query<AuditRow>('SELECT * FROM audit_log WHERE actor_name = $1 ORDER BY seq', [name]);
}

const SESSION_COOKIE = /^haven_session=([A-Za-z0-9_-]{43});/;

function sessionCookieOf(response: ApiResponse<unknown>): string {
  const header = response.setCookies.find((cookie) => cookie.startsWith('haven_session='));
  if (!header) {
    throw new Error('no session cookie set');
  }
  return header;
}

async function agencyWithUser(roles: readonly Role[]): Promise<{ agencyId: string; user: SeededUser }> {
  const { haven } = server();
  const agency = await seedAgency(haven);
  return { agencyId: agency.id, user: await seedUser(haven, { agencyId: agency.id, roles }) };
}

/** Sign-in with a password only (no second factor done). */
async function passwordOnly(user: SeededUser): Promise<{ client: ApiClient; session: Session }> {
  const client = new ApiClient(server().url);
  const response = expectStatus(
    await client.post<Session>('/auth/login', { username: user.username, password: user.password }),
    200,
  );
  return { client, session: response.body };
}

describe('sign-in', () => {
  it('sets an HttpOnly, SameSite=Strict, Secure session cookie and returns the session', async () => {
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = new ApiClient(server().url);
    const login = await client.post<Session>('/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(login.status).toBe(200);
    const cookie = sessionCookieOf(login);
    expect(cookie).toMatch(SESSION_COOKIE);
    expect(cookie).toContain('; HttpOnly');
    expect(cookie).toContain('; SameSite=Strict');
    expect(cookie).toContain('; Secure');
    expect(cookie).toContain('; Path=/');
    // Roles that do not need a second factor go straight in.
    expect(login.body).toMatchObject({
      stage: 'active',
      user: {
        id: user.id,
        username: user.username,
        roles: ['tip_moderator'],
        permissions: ['agency.read', 'appeal.read', 'tip.moderate'],
      },
    });
    expect(login.body.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(login.body.user.agency.id).toBe(user.agencyId);

    const session = await client.get<Session>('/auth/session');
    expect(session.status).toBe(200);
    expect(session.body).toEqual(login.body);
    // Only the hash of the cookie is stored.
    const value = SESSION_COOKIE.exec(cookie)![1]!;
    const rows = await server().haven.db.query<{ id_hash: Uint8Array }>(
      'SELECT id_hash FROM sessions WHERE user_id = $1',
      [user.id],
    );
    expect(rows.map((row) => Buffer.from(row.id_hash).toString('hex'))).toEqual([
      createHash('sha256').update(value).digest('hex'),
    ]);
  });

  it('answers the same LOGIN_FAILED for an unknown user and a wrong password, and audits both', async () => {
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = new ApiClient(server().url);
    const unknownName = `nobody-${user.username}`;
    const unknown = await client.post('/auth/login', { username: unknownName, password: 'Secret-guess-123' });
    const wrong = await client.post('/auth/login', { username: user.username, password: 'Secret-guess-123' });
    for (const response of [unknown, wrong]) {
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('LOGIN_FAILED');
      expect(response.setCookies).toEqual([]);
    }
    expect((unknown.body.error as JsonObject).message).toBe((wrong.body.error as JsonObject).message);

    const [unknownRow] = await auditByName(server().haven, unknownName);
    expect(unknownRow).toMatchObject({
      actor_kind: 'anonymous',
      actor_id: null,
      action: 'auth.login',
      outcome: 'failed',
      client_ip: '127.0.0.1',
      details: { reason: 'unknown_user' },
    });
    const wrongRows = (await auditOf(server().haven, user.id)).filter((row) => row.action === 'auth.login');
    expect(wrongRows).toMatchObject([
      {
        actor_kind: 'anonymous',
        actor_name: user.username,
        outcome: 'failed',
        agency_id: user.agencyId,
        details: { reason: 'wrong_password' },
      },
    ]);
    expect(JSON.stringify(wrongRows)).not.toContain('Secret-guess-123');
  });

  it('treats user names case-insensitively and refuses unknown body fields', async () => {
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = new ApiClient(server().url);
    const upper = await client.post('/auth/login', {
      username: user.username.toUpperCase(),
      password: user.password,
    });
    expect(upper.status).toBe(200);
    const extra = await client.post('/auth/login', {
      username: user.username,
      password: user.password,
      admin: true,
    });
    expect(extra.status).toBe(400);
    expect(errorCode(extra)).toBe('VALIDATION_FAILED');
  });

  it('locks an account after the threshold of failures, even for the right password, until the lock expires', async () => {
    const { haven } = server();
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = new ApiClient(server().url);
    for (let n = 0; n < 3; n += 1) {
      expect(
        errorCode(
          await client.post('/auth/login', { username: user.username, password: `Wrong-pass-${n}-xyz` }),
        ),
      ).toBe('LOGIN_FAILED');
    }
    const locked = await client.post('/auth/login', { username: user.username, password: user.password });
    expect(locked.status).toBe(423);
    expect(errorCode(locked)).toBe('ACCOUNT_LOCKED');
    expect(locked.setCookies).toEqual([]);

    const rows = await auditOf(haven, user.id);
    expect(rows.map((row) => `${row.action}:${row.outcome}`)).toEqual([
      'user.create:ok',
      'auth.login:failed',
      'auth.login:failed',
      'auth.login:failed',
      'user.lock:ok',
      'auth.login:denied',
    ]);
    expect(rows.at(-1)!.details).toMatchObject({ reason: 'locked' });

    // The lock runs out (moved into the past here rather than waiting lockoutMinutes).
    await haven.db.query("UPDATE users SET locked_until = now() - interval '1 second' WHERE id = $1", [
      user.id,
    ]);
    const after = await client.post<Session>('/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(after.status).toBe(200);
    const [state] = await haven.db.query<{ failed_logins: number }>(
      'SELECT failed_logins FROM users WHERE id = $1',
      [user.id],
    );
    expect(state!.failed_logins).toBe(0);
  });

  it('refuses disabled users with the same LOGIN_FAILED', async () => {
    const { haven } = server();
    const { user } = await agencyWithUser(['tip_moderator']);
    await haven.db.query('UPDATE users SET disabled = true WHERE id = $1', [user.id]);
    const response = await new ApiClient(server().url).post('/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(errorCode(response)).toBe('LOGIN_FAILED');
    const rows = await auditOf(haven, user.id);
    expect(rows.at(-1)).toMatchObject({
      action: 'auth.login',
      outcome: 'denied',
      details: { reason: 'disabled' },
    });
  });

  it('limits failures per client address across accounts (429 with Retry-After)', async () => {
    const own = await startApiServer({ HAVEN_LOGIN_FAILURES_PER_ADDRESS: '3' });
    try {
      const agency = await seedAgency(own.haven);
      const user = await seedUser(own.haven, { agencyId: agency.id, roles: ['tip_moderator'] });
      const client = new ApiClient(own.url);
      for (const name of ['a-one', 'a-two', user.username]) {
        expect(
          errorCode(await client.post('/auth/login', { username: name, password: 'Not-the-password-1' })),
        ).toBe('LOGIN_FAILED');
      }
      const limited = await client.post('/auth/login', { username: user.username, password: user.password });
      expect(limited.status).toBe(429);
      expect(errorCode(limited)).toBe('RATE_LIMITED');
      const retryAfter = Number(limited.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // Kept in the database, so every server process sees the same budget.
      const [count] = await own.haven.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM login_attempts',
      );
      expect(count!.n).toBe(3);
      // Once the failures leave the 15-minute window, the address may try again.
      await own.haven.db.query("UPDATE login_attempts SET at = at - interval '16 minutes'");
      expect(
        (await client.post('/auth/login', { username: user.username, password: user.password })).status,
      ).toBe(200);
    } finally {
      await own.close();
    }
  });
});

describe('second factor', () => {
  it('enrols an authenticator: password -> enrolment stage -> confirm -> recovery codes and an active session', async () => {
    const { haven } = server();
    const { user } = await agencyWithUser(['investigator']);
    const { client, session } = await passwordOnly(user);
    expect(session.stage).toBe('mfa_enrolment');
    const firstCookie = client.cookies.get('haven_session');

    // Nothing but enrolment is reachable yet.
    const blocked = await client.get('/agencies');
    expect(blocked.status).toBe(401);
    expect(errorCode(blocked)).toBe('MFA_REQUIRED');

    const enrolment = expectStatus(
      await client.post<{ secret: string; otpauthUri: string }>('/auth/mfa/enrolment'),
      200,
    );
    expect(enrolment.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.body.otpauthUri).toBe(
      `otpauth://totp/Haven:${user.username}?secret=${enrolment.body.secret}&issuer=Haven&algorithm=SHA1&digits=6&period=30`,
    );
    user.totpSecret = enrolment.body.secret;
    // The secret is sealed at rest.
    const [stored] = await haven.db.query<{ mfa_secret: Uint8Array; mfa_enabled: boolean }>(
      'SELECT mfa_secret, mfa_enabled FROM users WHERE id = $1',
      [user.id],
    );
    expect(stored!.mfa_enabled).toBe(false);
    expect(Buffer.from(stored!.mfa_secret).includes(base32Decode(enrolment.body.secret)!)).toBe(false);

    const wrong = await client.post('/auth/mfa/enrolment/confirm', {
      code: '000000' === totpCode(user.totpSecret, Date.now()) ? '111111' : '000000',
    });
    expect(errorCode(wrong)).toBe('MFA_INVALID');

    const confirmed = expectStatus(
      await client.post<Session & { recoveryCodes: string[] }>('/auth/mfa/enrolment/confirm', {
        code: await nextTotpCode(user),
      }),
      200,
    );
    expect(confirmed.body.stage).toBe('active');
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    // The session gained rights: it has a new identifier, and the old cookie is worthless.
    const secondCookie = client.cookies.get('haven_session');
    expect(secondCookie).toBeDefined();
    expect(secondCookie).not.toBe(firstCookie);
    expect((await client.get('/agencies')).status).toBe(200);
    const stale = new ApiClient(server().url);
    stale.cookies.set('haven_session', firstCookie!);
    expect(errorCode(await stale.get('/auth/session'))).toBe('UNAUTHENTICATED');

    const codes = await haven.db.query<{ code_hash: Uint8Array }>(
      'SELECT code_hash FROM mfa_recovery_codes WHERE user_id = $1',
      [user.id],
    );
    expect(codes).toHaveLength(10);
    const actions = (await auditOf(haven, user.id)).map((row) => `${row.action}:${row.outcome}`);
    expect(actions).toEqual([
      'user.create:ok',
      'auth.login:ok',
      'auth.mfa.enrolment.start:ok',
      'auth.mfa.enrolment.confirm:failed',
      'auth.mfa.enrolment.confirm:ok',
    ]);
  });

  it('asks enrolled users for a code after the password, refuses a replayed code, accepts a fresh one', async () => {
    const { user } = await agencyWithUser(['reviewer']);
    const first = await signedInClient(server().url, user);
    expectStatus(await first.post('/auth/logout'), 204);
    const usedStep = user.lastStep;
    const replayed = totpCode(user.totpSecret!, usedStep * 30_000);

    const { client, session } = await passwordOnly(user);
    expect(session.stage).toBe('mfa_required');
    const blocked = await client.get('/agencies');
    expect(errorCode(blocked)).toBe('MFA_REQUIRED');
    // Enrolment is not a way around the code.
    expect(errorCode(await client.post('/auth/mfa/enrolment'))).toBe('MFA_REQUIRED');

    const replay = await client.post('/auth/mfa', { code: replayed });
    expect(replay.status).toBe(401);
    expect(errorCode(replay)).toBe('MFA_INVALID');

    const ok = expectStatus(await client.post<Session>('/auth/mfa', { code: await nextTotpCode(user) }), 200);
    expect(ok.body.stage).toBe('active');
    expect((await client.get('/agencies')).status).toBe(200);
    const rows = (await auditOf(server().haven, user.id)).filter((row) => row.action === 'auth.mfa');
    expect(rows.map((row) => row.outcome)).toEqual(['failed', 'ok']);
    expect(rows[1]).toMatchObject({ actor_kind: 'user', actor_id: user.id, details: { method: 'totp' } });
  });

  it('accepts each recovery code once', async () => {
    const { user } = await agencyWithUser(['investigator']);
    await signedInClient(server().url, user);
    const code = user.recoveryCodes![0]!;

    const { client } = await passwordOnly(user);
    const used = expectStatus(await client.post<Session>('/auth/mfa', { recoveryCode: code }), 200);
    expect(used.body.stage).toBe('active');

    const again = await passwordOnly(user);
    const reused = await again.client.post('/auth/mfa', { recoveryCode: code });
    expect(errorCode(reused)).toBe('MFA_INVALID');
    // Case and dashes do not matter for the next one.
    const other = user.recoveryCodes![1]!.toUpperCase().replace(/-/g, ' ');
    expect((await again.client.post('/auth/mfa', { recoveryCode: other })).status).toBe(200);

    const rows = (await auditOf(server().haven, user.id)).filter((row) => row.action === 'auth.mfa');
    expect(rows.map((row) => [row.outcome, row.details.method, row.details.recoveryCodesLeft])).toEqual([
      ['ok', 'recovery_code', 9],
      ['failed', 'recovery_code', undefined],
      ['ok', 'recovery_code', 8],
    ]);
  });

  it('locks the account after repeated wrong codes, even when each guess comes from a new sign-in', async () => {
    const { user } = await agencyWithUser(['investigator']);
    await signedInClient(server().url, user);
    const good = await nextTotpCode(user);
    const bad = good === '123456' ? '654321' : '123456';
    let client: ApiClient | undefined;
    for (let n = 0; n < 3; n += 1) {
      // A correct password does not wipe the failed codes before it.
      client = (await passwordOnly(user)).client;
      expect(errorCode(await client.post('/auth/mfa', { code: bad }))).toBe('MFA_INVALID');
    }
    expect(errorCode(await client!.post('/auth/mfa', { code: good }))).toBe('ACCOUNT_LOCKED');
    const relogin = await new ApiClient(server().url).post('/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(errorCode(relogin)).toBe('ACCOUNT_LOCKED');
  });

  it('replaces an authenticator only with a current code from it, keeping the old one until confirmed', async () => {
    const { user } = await agencyWithUser(['investigator']);
    const client = await signedInClient(server().url, user);
    // Enrolment used the current time step; step the replay guard back so the next two codes
    // (one to start, one to confirm) need no wait for the clock. Replays are tested above.
    user.lastStep = totpStep(Date.now()) - 2;
    await server().haven.db.query('UPDATE users SET mfa_last_step = $2 WHERE id = $1', [
      user.id,
      user.lastStep,
    ]);

    const missing = await client.post('/auth/mfa/enrolment', {});
    expect(errorCode(missing)).toBe('VALIDATION_FAILED');
    const oldSecret = user.totpSecret!;
    const started = expectStatus(
      await client.post<{ secret: string }>('/auth/mfa/enrolment', { code: await nextTotpCode(user) }),
      200,
    );
    expect(started.body.secret).not.toBe(oldSecret);
    // Not confirmed yet: signing in still takes a code from the old authenticator.
    const other = await passwordOnly(user);
    expect(other.session.stage).toBe('mfa_required');
    const [row] = await server().haven.db.query<{ mfa_enabled: boolean }>(
      'SELECT mfa_enabled FROM users WHERE id = $1',
      [user.id],
    );
    expect(row!.mfa_enabled).toBe(true);

    user.totpSecret = started.body.secret;
    const confirmed = expectStatus(
      await client.post<{ recoveryCodes: string[] }>('/auth/mfa/enrolment/confirm', {
        code: await nextTotpCode(user),
      }),
      200,
    );
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    // Confirming ends the user's other sessions.
    expect(errorCode(await other.client.get('/auth/session'))).toBe('UNAUTHENTICATED');
    const enrolments = (await auditOf(server().haven, user.id)).filter((entry) =>
      entry.action.startsWith('auth.mfa.enrolment'),
    );
    expect(
      enrolments.map((entry) => [entry.action, entry.details.replacing ?? entry.details.replaced]),
    ).toEqual([
      ['auth.mfa.enrolment.start', false],
      ['auth.mfa.enrolment.confirm', false],
      ['auth.mfa.enrolment.start', true],
      ['auth.mfa.enrolment.confirm', true],
    ]);
  });
});

describe('sessions', () => {
  it('require the CSRF token on every non-GET request of a cookie session', async () => {
    const { user } = await agencyWithUser(['investigator']);
    const client = await signedInClient(server().url, user);
    const body = { name: 'ci', scopes: ['agency.read'], expiresInDays: 1 };
    const missing = await client.post('/tokens', body, { csrf: null });
    expect(missing.status).toBe(403);
    expect(errorCode(missing)).toBe('CSRF_FAILED');
    const wrong = await client.post('/tokens', body, { csrf: 'x'.repeat(43) });
    expect(errorCode(wrong)).toBe('CSRF_FAILED');
    expect(errorCode(await client.post('/auth/logout', undefined, { csrf: null }))).toBe('CSRF_FAILED');
    expect((await client.post('/tokens', body)).status).toBe(201);
  });

  it('treat forged, revoked, expired and idle cookies as no caller', async () => {
    const { haven } = server();
    const { user } = await agencyWithUser(['tip_moderator']);
    const forged = new ApiClient(server().url);
    forged.cookies.set('haven_session', 'A'.repeat(43));
    expect(errorCode(await forged.get('/auth/session'))).toBe('UNAUTHENTICATED');
    forged.cookies.set('haven_session', 'not even the right shape');
    expect(errorCode(await forged.get('/auth/session'))).toBe('UNAUTHENTICATED');

    // Absolute expiry.
    const expired = await signedInClient(server().url, user);
    await haven.db.query("UPDATE sessions SET expires_at = now() - interval '1 second' WHERE user_id = $1", [
      user.id,
    ]);
    const expiredAnswer = await expired.get('/auth/session');
    expect(expiredAnswer.status).toBe(401);
    expect(errorCode(expiredAnswer)).toBe('SESSION_EXPIRED');
    // A stale cookie does not stand in the way of signing in again.
    expect(
      (await expired.post('/auth/login', { username: user.username, password: user.password })).status,
    ).toBe(200);

    // Idle expiry (30 minutes by default).
    const idle = await signedInClient(server().url, user);
    const idleCookie = idle.cookies.get('haven_session')!;
    await haven.db.query(
      "UPDATE sessions SET last_seen_at = now() - interval '31 minutes' WHERE id_hash = $1",
      [createHash('sha256').update(idleCookie).digest()],
    );
    expect(errorCode(await idle.get('/agencies'))).toBe('SESSION_EXPIRED');

    // Used within the idle time, a session stays alive.
    const busy = await signedInClient(server().url, user);
    const busyHash = createHash('sha256').update(busy.cookies.get('haven_session')!).digest();
    await haven.db.query(
      "UPDATE sessions SET last_seen_at = now() - interval '29 minutes' WHERE id_hash = $1",
      [busyHash],
    );
    expect((await busy.get('/agencies')).status).toBe(200);
    const [seen] = await haven.db.query<{ idle: number }>(
      'SELECT extract(epoch FROM now() - last_seen_at)::int AS idle FROM sessions WHERE id_hash = $1',
      [busyHash],
    );
    expect(seen!.idle).toBeLessThan(60);
  });

  it('end at logout: the cookie is cleared and no longer works', async () => {
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = await signedInClient(server().url, user);
    const cookie = client.cookies.get('haven_session')!;
    const out = await client.post('/auth/logout');
    expect(out.status).toBe(204);
    expect(sessionCookieOf(out)).toMatch(/^haven_session=; .*Max-Age=0/);
    expect(client.cookies.has('haven_session')).toBe(false);
    const replay = new ApiClient(server().url);
    replay.cookies.set('haven_session', cookie);
    expect(errorCode(await replay.get('/auth/session'))).toBe('UNAUTHENTICATED');
    const rows = await auditOf(server().haven, user.id);
    expect(rows.at(-1)).toMatchObject({ action: 'auth.logout', outcome: 'ok', actor_id: user.id });
  });
});

describe('passwords', () => {
  it('change: needs the current password, follows the policy, ends the other sessions', async () => {
    const { haven } = server();
    const { user } = await agencyWithUser(['tip_moderator']);
    const client = await signedInClient(server().url, user);
    const other = await signedInClient(server().url, user);

    const wrong = await client.post('/auth/password', {
      currentPassword: 'Not-my-password-1',
      newPassword: 'A brand new passphrase',
    });
    expect(wrong.status).toBe(403);
    expect(errorCode(wrong)).toBe('PASSWORD_INCORRECT');

    const weak = await client.post('/auth/password', {
      currentPassword: user.password,
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(errorCode(weak)).toBe('PASSWORD_POLICY');
    expect((weak.body.error as JsonObject).message).toContain('at least 12 characters');
    const common = await client.post('/auth/password', {
      currentPassword: user.password,
      newPassword: 'Password2024!',
    });
    expect((common.body.error as JsonObject).message).toContain('most common passwords');
    const withName = await client.post('/auth/password', {
      currentPassword: user.password,
      newPassword: `my ${user.username} secret`,
    });
    expect((withName.body.error as JsonObject).message).toContain('username');

    const newPassword = 'A brand new passphrase';
    expect(
      (await client.post('/auth/password', { currentPassword: user.password, newPassword })).status,
    ).toBe(204);
    expect((await client.get('/auth/session')).status).toBe(200);
    expect(errorCode(await other.get('/auth/session'))).toBe('UNAUTHENTICATED');

    const old = await new ApiClient(server().url).post('/auth/login', {
      username: user.username,
      password: user.password,
    });
    expect(errorCode(old)).toBe('LOGIN_FAILED');
    user.password = newPassword;
    await signedInClient(server().url, user);

    const rows = (await auditOf(haven, user.id)).filter((row) => row.action === 'auth.password.change');
    expect(rows.map((row) => [row.outcome, row.details])).toEqual([
      ['failed', { reason: 'wrong_password' }],
      ['ok', { sessionsRevoked: 1 }],
    ]);
  });
});

describe('administration', () => {
  async function admins() {
    const { haven, url } = server();
    const home = await seedAgency(haven);
    const foreign = await seedAgency(haven);
    const central = await seedUser(haven, { agencyId: home.id, roles: ['central_admin'] });
    const agencyAdmin = await seedUser(haven, { agencyId: home.id, roles: ['agency_admin'] });
    const colleague = await seedUser(haven, { agencyId: home.id, roles: ['investigator'] });
    const stranger = await seedUser(haven, { agencyId: foreign.id, roles: ['investigator'] });
    return {
      home,
      foreign,
      central,
      agencyAdmin,
      colleague,
      stranger,
      asCentral: await signedInClient(url, central),
      asAgencyAdmin: await signedInClient(url, agencyAdmin),
    };
  }

  it("hides other agencies' users from agency administrators exactly like missing ones", async () => {
    const { foreign, home, colleague, stranger, asAgencyAdmin, asCentral } = await admins();
    const missing = '00000000-0000-4000-8000-000000000000';
    const attempts: [string, (id: string) => Promise<ApiResponse>][] = [
      ['get', (id) => asAgencyAdmin.get(`/users/${id}`)],
      ['patch', (id) => asAgencyAdmin.patch(`/users/${id}`, { displayName: 'Renamed' })],
      [
        'password',
        (id) => asAgencyAdmin.post(`/users/${id}/password-reset`, { newPassword: 'Another good passphrase' }),
      ],
      ['mfa', (id) => asAgencyAdmin.post(`/users/${id}/mfa-reset`)],
    ];
    for (const [what, attempt] of attempts) {
      const foreignAnswer = await attempt(stranger.id);
      const missingAnswer = await attempt(missing);
      expect([what, foreignAnswer.status, errorCode(foreignAnswer)]).toEqual([what, 404, 'NOT_FOUND']);
      expect((foreignAnswer.body.error as JsonObject).message).toBe(
        (missingAnswer.body.error as JsonObject).message,
      );
    }
    const own = await asAgencyAdmin.get<{ users: { id: string; agency: { id: string } }[] }>('/users');
    expect(own.body.users.map((user) => user.agency.id)).toEqual(own.body.users.map(() => home.id));
    expect(own.body.users.map((user) => user.id)).toContain(colleague.id);
    expect((await asAgencyAdmin.get<{ users: unknown[] }>(`/users?agency=${foreign.id}`)).body.users).toEqual(
      [],
    );
    // Central administrators see everyone.
    expect((await asCentral.get(`/users/${stranger.id}`)).status).toBe(200);
    const all = await asCentral.get<{ users: { id: string }[] }>(`/users?agency=${foreign.id}`);
    expect(all.body.users.map((user) => user.id)).toEqual([stranger.id]);
  });

  it('lets agency administrators create users in their own agency only, never central administrators', async () => {
    const { home, foreign, asAgencyAdmin, asCentral } = await admins();
    const request = (agencyId: string, roles: Role[], username: string) => ({
      username,
      displayName: 'New Colleague',
      agencyId,
      roles,
      password: 'A sound passphrase here',
    });
    const created = await asAgencyAdmin.post<{ id: string; roles: string[]; mfaEnabled: boolean }>(
      '/users',
      request(home.id, ['investigator', 'reviewer'], `new-${home.id.slice(0, 8)}`),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roles: ['investigator', 'reviewer'], mfaEnabled: false });
    expect(JSON.stringify(created.body)).not.toContain('passphrase');

    const elsewhere = await asAgencyAdmin.post(
      '/users',
      request(foreign.id, ['investigator'], `x-${foreign.id.slice(0, 8)}`),
    );
    expect(errorCode(elsewhere)).toBe('FORBIDDEN');
    const escalate = await asAgencyAdmin.post(
      '/users',
      request(home.id, ['central_admin'], `y-${home.id.slice(0, 8)}`),
    );
    expect(errorCode(escalate)).toBe('FORBIDDEN');
    const taken = await asAgencyAdmin.post(
      '/users',
      request(home.id, ['investigator'], `new-${home.id.slice(0, 8)}`),
    );
    expect(errorCode(taken)).toBe('CONFLICT');
    const weak = await asAgencyAdmin.post('/users', {
      ...request(home.id, ['investigator'], `z-${home.id.slice(0, 8)}`),
      password: 'password1234',
    });
    expect(errorCode(weak)).toBe('PASSWORD_POLICY');
    const unknownRole = await asAgencyAdmin.post(
      '/users',
      request(home.id, ['superuser' as Role], `w-${home.id.slice(0, 8)}`),
    );
    expect(errorCode(unknownRole)).toBe('VALIDATION_FAILED');

    const central = await asCentral.post(
      '/users',
      request(foreign.id, ['central_admin'], `c-${foreign.id.slice(0, 8)}`),
    );
    expect(central.status).toBe(201);

    const [row] = (await auditOf(server().haven, created.body.id)).filter(
      (entry) => entry.action === 'user.create',
    );
    expect(row).toMatchObject({
      actor_kind: 'user',
      outcome: 'ok',
      details: { roles: ['investigator', 'reviewer'] },
    });
  });

  it("refuses changes to one's own roles or account state; audits role changes with before and after", async () => {
    const { central, colleague, agencyAdmin, asAgencyAdmin, asCentral } = await admins();
    expect(
      errorCode(
        await asAgencyAdmin.patch(`/users/${agencyAdmin.id}`, { roles: ['agency_admin', 'investigator'] }),
      ),
    ).toBe('FORBIDDEN');
    expect(errorCode(await asAgencyAdmin.patch(`/users/${agencyAdmin.id}`, { disabled: true }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await asCentral.patch(`/users/${central.id}`, { roles: ['investigator'] }))).toBe(
      'FORBIDDEN',
    );
    expect(
      (await asAgencyAdmin.patch(`/users/${agencyAdmin.id}`, { displayName: 'Me, renamed' })).status,
    ).toBe(200);
    // An agency administrator cannot touch a central administrator of the same agency.
    expect(errorCode(await asAgencyAdmin.patch(`/users/${central.id}`, { displayName: 'x' }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await asAgencyAdmin.patch(`/users/${colleague.id}`, { roles: ['central_admin'] }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await asAgencyAdmin.patch(`/users/${colleague.id}`, {}))).toBe('VALIDATION_FAILED');

    const changed = await asAgencyAdmin.patch<{ roles: string[] }>(`/users/${colleague.id}`, {
      roles: ['reviewer'],
    });
    expect(changed.status).toBe(200);
    expect(changed.body.roles).toEqual(['reviewer']);
    const [row] = (await auditOf(server().haven, colleague.id)).filter(
      (entry) => entry.action === 'user.update',
    );
    expect(row).toMatchObject({
      actor_id: agencyAdmin.id,
      details: { changes: { roles: { from: ['investigator'], to: ['reviewer'] } } },
    });
  });

  it('disables users (their sessions and tokens stop at once), resets passwords and second factors', async () => {
    const { haven, url } = server();
    const { colleague, asAgencyAdmin } = await admins();
    const colleagueClient = await signedInClient(url, colleague);
    const token = await createToken(colleagueClient, { scopes: ['agency.read'] });

    // MFA reset: sessions end; next sign-in enrols again.
    expect((await asAgencyAdmin.post(`/users/${colleague.id}/mfa-reset`)).status).toBe(204);
    expect(errorCode(await colleagueClient.get('/auth/session'))).toBe('UNAUTHENTICATED');
    const again = await passwordOnly(colleague);
    expect(again.session.stage).toBe('mfa_enrolment');
    await signIn(new ApiClient(url), colleague);

    // Password reset: sessions end; the new password works.
    const live = await signedInClient(url, colleague);
    const newPassword = 'Set by the administrator';
    expect((await asAgencyAdmin.post(`/users/${colleague.id}/password-reset`, { newPassword })).status).toBe(
      204,
    );
    expect(errorCode(await live.get('/auth/session'))).toBe('UNAUTHENTICATED');
    colleague.password = newPassword;
    const afterReset = (await passwordOnly(colleague)).client;
    expect((await afterReset.get('/auth/session')).status).toBe(200);

    // Disabling: sessions and tokens stop.
    expect((await bearer(url, token).get('/agencies')).status).toBe(200);
    expect((await asAgencyAdmin.patch(`/users/${colleague.id}`, { disabled: true })).status).toBe(200);
    expect(errorCode(await afterReset.get('/auth/session'))).toBe('UNAUTHENTICATED');
    expect(errorCode(await bearer(url, token).get('/agencies'))).toBe('UNAUTHENTICATED');
    expect(
      errorCode(
        await new ApiClient(url).post('/auth/login', { username: colleague.username, password: newPassword }),
      ),
    ).toBe('LOGIN_FAILED');

    const actions = (await auditOf(haven, colleague.id)).map((row) => row.action);
    expect(actions).toEqual(expect.arrayContaining(['user.mfa.reset', 'user.password.reset', 'user.update']));
    const reset = (await auditOf(haven, colleague.id)).find((row) => row.action === 'user.password.reset');
    expect(JSON.stringify(reset)).not.toContain(newPassword);
  });

  it('makes a signed-in user enrol a second factor when new roles require one', async () => {
    const { home, asAgencyAdmin } = await admins();
    const moderator = await seedUser(server().haven, { agencyId: home.id, roles: ['tip_moderator'] });
    const client = await signedInClient(server().url, moderator);
    expect((await client.get<Session>('/auth/session')).body.stage).toBe('active');

    expect((await asAgencyAdmin.patch(`/users/${moderator.id}`, { roles: ['reviewer'] })).status).toBe(200);
    expect(errorCode(await client.get('/agencies'))).toBe('MFA_REQUIRED');
    expect((await client.get<Session>('/auth/session')).body.stage).toBe('mfa_enrolment');

    const enrolment = expectStatus(await client.post<{ secret: string }>('/auth/mfa/enrolment'), 200);
    moderator.totpSecret = enrolment.body.secret;
    const code = await nextTotpCode(moderator);
    expectStatus(await client.post('/auth/mfa/enrolment/confirm', { code }), 200);
    expect((await client.get('/agencies')).status).toBe(200);
  });

  it('manages agencies: central administrators add them (audited), specialists list them', async () => {
    const { asCentral, asAgencyAdmin, colleague } = await admins();
    const name = `Unit ${Date.now()}`;
    const created = await asCentral.post<{ id: string; country: string }>('/agencies', {
      name,
      country: 'be',
      type: 'federal_police',
      contact: 'vid@example.org',
    });
    expect(created.status).toBe(201);
    expect(created.body.country).toBe('BE');
    expect(
      errorCode(await asCentral.post('/agencies', { name, country: 'BE', type: 'federal_police' })),
    ).toBe('CONFLICT');
    expect(errorCode(await asCentral.post('/agencies', { name: 'X', country: 'QQ', type: 'local' }))).toBe(
      'VALIDATION_FAILED',
    );
    expect(
      errorCode(await asCentral.post('/agencies', { name: 'Y', country: 'BE', type: 'local', extra: 1 })),
    ).toBe('VALIDATION_FAILED');
    expect(
      errorCode(await asAgencyAdmin.post('/agencies', { name: 'Z', country: 'BE', type: 'local' })),
    ).toBe('FORBIDDEN');

    const specialist = await signedInClient(server().url, colleague);
    expect((await specialist.get<{ name: string }>(`/agencies/${created.body.id}`)).body.name).toBe(name);
    const list = await specialist.get<{ agencies: { id: string }[] }>('/agencies');
    expect(list.body.agencies.map((agency) => agency.id)).toContain(created.body.id);
    expect(errorCode(await specialist.get('/agencies/00000000-0000-4000-8000-000000000000'))).toBe(
      'NOT_FOUND',
    );
    const [row] = await auditOf(server().haven, created.body.id);
    expect(row).toMatchObject({ action: 'agency.create', outcome: 'ok', details: { name, country: 'BE' } });
  });
});

describe('API tokens', () => {
  it('act for their user with the intersection of scopes and current permissions; list without secrets; revoke', async () => {
    const { haven, url } = server();
    const { user } = await agencyWithUser(['agency_admin']);
    const client = await signedInClient(url, user);

    const notHeld = await client.post('/tokens', { name: 'x', scopes: ['media.original'], expiresInDays: 1 });
    expect(errorCode(notHeld)).toBe('FORBIDDEN');
    expect(
      errorCode(await client.post('/tokens', { name: 'x', scopes: ['agency.read'], expiresInDays: 366 })),
    ).toBe('VALIDATION_FAILED');
    expect(errorCode(await client.post('/tokens', { name: 'x', scopes: ['agency.read'] }))).toBe(
      'VALIDATION_FAILED',
    );

    const created = expectStatus(
      await client.post<{ id: string; token: string; scopes: string[]; expiresAt: string }>('/tokens', {
        name: 'nightly sync',
        scopes: ['agency.read', 'user.read'],
        expiresInDays: 30,
      }),
      201,
    );
    const { token, id } = created.body;
    expect(token).toMatch(/^hvn_[A-Za-z0-9_-]{43}$/);
    const robot = bearer(url, token);

    const session = await robot.get<Session>('/auth/session');
    expect(session.body).toMatchObject({
      stage: 'active',
      csrfToken: null,
      user: { id: user.id, permissions: ['agency.read', 'user.read'] },
    });
    expect((await robot.get('/agencies')).status).toBe(200);
    expect((await robot.get('/users')).status).toBe(200);
    // Outside its scopes although the user holds the permission.
    expect(errorCode(await robot.get('/tokens'))).toBe('FORBIDDEN');
    expect(
      errorCode(
        await robot.post('/users', {
          username: 'x1',
          displayName: 'x',
          agencyId: user.agencyId,
          roles: ['reviewer'],
          password: 'A sound passphrase here',
        }),
      ),
    ).toBe('FORBIDDEN');
    // Tokens cannot sign out, change passwords or enrol (no session).
    expect(errorCode(await robot.post('/auth/logout'))).toBe('FORBIDDEN');

    // A token wins over a cookie, even a valid one.
    const both = new ApiClient(url, { bearer: 'hvn_' + 'A'.repeat(43) });
    both.cookies.set('haven_session', client.cookies.get('haven_session')!);
    expect(errorCode(await both.get('/auth/session'))).toBe('UNAUTHENTICATED');

    const listed = await client.get<{ tokens: JsonObject[] }>('/tokens');
    expect(listed.body.tokens).toHaveLength(1);
    expect(listed.body.tokens[0]).toMatchObject({
      id,
      name: 'nightly sync',
      scopes: ['agency.read', 'user.read'],
      revokedAt: null,
    });
    expect(listed.body.tokens[0]!.lastUsedAt).toEqual(expect.any(String));
    expect(JSON.stringify(listed.body)).not.toContain(token);
    const [stored] = await haven.db.query<{ token_hash: Uint8Array }>(
      'SELECT token_hash FROM api_tokens WHERE id = $1',
      [id],
    );
    expect(Buffer.from(stored!.token_hash)).toEqual(createHash('sha256').update(token).digest());

    // Permissions follow the user's roles today.
    await haven.db.query("UPDATE users SET roles = '{tip_moderator}' WHERE id = $1", [user.id]);
    expect(errorCode(await robot.get('/users'))).toBe('FORBIDDEN');
    expect((await robot.get('/agencies')).status).toBe(200);
    await haven.db.query("UPDATE users SET roles = '{agency_admin}' WHERE id = $1", [user.id]);

    expect((await client.delete(`/tokens/${id}`)).status).toBe(204);
    expect(errorCode(await robot.get('/agencies'))).toBe('UNAUTHENTICATED');
    const actions = (await auditOf(haven, id)).map((row) => `${row.action}:${row.actor_id}`);
    expect(actions).toEqual([`token.create:${user.id}`, `token.revoke:${user.id}`]);
  });

  it('stop at expiry, cannot create tokens, and are not revocable by others', async () => {
    const { haven, url } = server();
    const { user } = await agencyWithUser(['investigator']);
    const { user: other } = await agencyWithUser(['investigator']);
    const client = await signedInClient(url, user);
    const otherClient = await signedInClient(url, other);
    const token = await createToken(client, { scopes: ['token.manage', 'agency.read'] });
    const robot = bearer(url, token);
    // No CSRF for tokens, but no minting of tokens either.
    const minted = await robot.post('/tokens', {
      name: 'child',
      scopes: ['agency.read'],
      expiresInDays: 365,
    });
    expect(errorCode(minted)).toBe('FORBIDDEN');
    const listed = await robot.get<{ tokens: { id: string }[] }>('/tokens');
    expect(listed.status).toBe(200);
    const id = listed.body.tokens[0]!.id;
    expect(errorCode(await otherClient.delete(`/tokens/${id}`))).toBe('NOT_FOUND');

    await haven.db.query("UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1", [
      id,
    ]);
    expect(errorCode(await robot.get('/agencies'))).toBe('UNAUTHENTICATED');
  });
});

describe('the audit log', () => {
  it('never holds passwords, codes, secrets, cookies or tokens', async () => {
    const { haven, url } = server();
    const { user } = await agencyWithUser(['investigator']);
    const client = await signedInClient(url, user);
    const token = await createToken(client, { scopes: ['agency.read'] });
    await bearer(url, token).get('/agencies');
    const failed = new ApiClient(url);
    await failed.post('/auth/login', { username: user.username, password: 'Leaked-guess-98765' });
    const rows = await haven.db.query<{ text: string }>(
      'SELECT row_to_json(a)::text AS text FROM audit_log a',
    );
    const everything = rows.map((row) => row.text).join('\n');
    const secrets = [
      user.password,
      'Leaked-guess-98765',
      user.totpSecret!,
      ...user.recoveryCodes!,
      token,
      token.slice(4),
      client.cookies.get('haven_session')!,
      client.csrfToken!,
    ];
    for (const secret of secrets) {
      expect(everything).not.toContain(secret);
    }
  });

  it('documents every accounts route in the OpenAPI document', async () => {
    const document = await new ApiClient(server().url).get<{
      paths: Record<string, Record<string, JsonObject>>;
    }>('/api/v1/openapi.json');
    const operations = Object.entries(document.body.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations).toEqual(
      expect.arrayContaining([
        'POST /api/v1/auth/login',
        'POST /api/v1/auth/mfa',
        'POST /api/v1/auth/mfa/enrolment',
        'POST /api/v1/auth/mfa/enrolment/confirm',
        'GET /api/v1/auth/session',
        'POST /api/v1/auth/logout',
        'POST /api/v1/auth/password',
        'GET /api/v1/agencies',
        'POST /api/v1/agencies',
        'GET /api/v1/agencies/{id}',
        'GET /api/v1/users',
        'POST /api/v1/users',
        'GET /api/v1/users/{id}',
        'PATCH /api/v1/users/{id}',
        'POST /api/v1/users/{id}/password-reset',
        'POST /api/v1/users/{id}/mfa-reset',
        'GET /api/v1/tokens',
        'POST /api/v1/tokens',
        'DELETE /api/v1/tokens/{id}',
      ]),
    );
  });
});

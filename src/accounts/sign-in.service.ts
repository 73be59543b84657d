import type { Actor } from '#haven/access/actor.js';
import { requiresMfa } from '#haven/access/permissions.js';
import { userActor } from '#haven/accounts/account-actor.js';
import type { AccountSettings } from '#haven/accounts/account-settings.js';
import { randomSecret } from '#haven/accounts/credentials.js';
import { openMfaSecrets, recoveryCodeHash } from '#haven/accounts/mfa-secrets.js';
import { hashPassword, needsRehash, verifyPassword } from '#haven/accounts/password-hash.js';
import { recoveryCodeRepository } from '#haven/accounts/recovery-code.repository.js';
import type { IssuedSession, SessionService } from '#haven/accounts/session.service.js';
import type { SignInGuard } from '#haven/accounts/sign-in-guard.js';
import { matchTotp } from '#haven/accounts/totp.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import { normaliseUsername, type UserService } from '#haven/accounts/user.service.js';
import type { RequestOrigin, SessionStage, UserRecord } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** A browser session of a signed-in user, as the session routes see it. */
export interface SessionCaller {
  readonly actor: Actor;
  readonly userId: string;
  readonly idHash: Buffer;
  readonly stage: SessionStage;
}

export interface SignedIn {
  readonly user: UserRecord;
  readonly session: IssuedSession;
}

export interface ClientOrigin extends RequestOrigin {
  readonly clientIp: string;
  readonly userAgent: string | null;
}

export type SecondFactor = { readonly code: string } | { readonly recoveryCode: string };

/** Where a correct password leads: the second factor, enrolment in one, or straight in. */
export function stageAfterPassword(user: UserRecord): SessionStage {
  if (user.mfaEnabled) {
    return 'mfa_required';
  }
  return requiresMfa(user.roles) ? 'mfa_enrolment' : 'active';
}

/** Signing in (password, then second factor), changing one's password, signing out. */
export class SignInService {
  readonly #db: Database;
  readonly #settings: AccountSettings;
  readonly #sessions: SessionService;
  readonly #guard: SignInGuard;
  readonly #users: UserService;
  readonly #log: Logger;
  #dummyHash: Promise<string> | undefined;

  constructor(deps: {
    db: Database;
    settings: AccountSettings;
    sessions: SessionService;
    guard: SignInGuard;
    users: UserService;
    log: Logger;
  }) {
    this.#db = deps.db;
    this.#settings = deps.settings;
    this.#sessions = deps.sessions;
    this.#guard = deps.guard;
    this.#users = deps.users;
    this.#log = deps.log;
  }

  /**
   * Checks a username and password and opens a session at the stage the account needs. Unknown
   * names, wrong passwords and disabled accounts all answer LOGIN_FAILED after the same scrypt work.
   */
  async login(
    request: { username: string; password: string; previousSession: Buffer | null },
    origin: ClientOrigin,
  ): Promise<SignedIn> {
    const attemptedName = request.username.trim().slice(0, 128);
    const audit = { requestId: origin.requestId, clientIp: origin.clientIp };
    await this.#guard.checkAddress(origin.clientIp, {
      action: 'auth.login',
      attemptedName,
      actor: null,
      origin: audit,
    });
    const user = await userRepository.findByUsername(this.#db, normaliseUsername(request.username));
    // The same work whether or not the account exists: timing must not tell which names exist.
    const passwordOk = await verifyPassword(request.password, user?.passwordHash ?? (await this.#dummy()));
    const attempt = { actor: null, attemptedName, action: 'auth.login', origin: audit };
    if (!user) {
      await this.#guard.fail({ ...attempt, user: null, reason: 'unknown_user' });
      throw havenError('LOGIN_FAILED');
    }
    await this.#guard.checkLock(user, attempt, !passwordOk);
    if (!passwordOk) {
      await this.#guard.fail({ ...attempt, user, reason: 'wrong_password' });
      throw havenError('LOGIN_FAILED');
    }
    if (user.disabled) {
      await this.#db.transaction((tx) =>
        auditService.record(tx, {
          ...attempt,
          outcome: 'denied',
          objectType: 'user',
          objectId: user.id,
          agencyId: user.agencyId,
          ...audit,
          details: { reason: 'disabled' },
        }),
      );
      throw havenError('LOGIN_FAILED');
    }
    const stage = stageAfterPassword(user);
    const session = await this.#db.transaction(async (tx) => {
      if (request.previousSession) {
        // Signing in again from the same browser ends the session it had.
        await this.#sessions.revoke(tx, request.previousSession);
      }
      // The failure count is cleared only when sign-in completes: otherwise a password holder could
      // reset it between guesses at the second factor.
      if (stage === 'active') {
        await userRepository.clearFailures(tx, user.id);
      }
      const issued = await this.#sessions.create(tx, user.id, stage, origin);
      await auditService.record(tx, {
        actor: userActor(user),
        action: 'auth.login',
        outcome: 'ok',
        objectType: 'user',
        objectId: user.id,
        ...audit,
        details: { stage },
      });
      return issued;
    });
    await this.#upgradeHash(user, request.password);
    return { user, session };
  }

  /** The second step: a TOTP code or a recovery code (used up) turns the session active. */
  async secondFactor(caller: SessionCaller, proof: SecondFactor, origin: ClientOrigin): Promise<SignedIn> {
    const method = 'code' in proof ? 'totp' : 'recovery_code';
    const user = await this.#checkedUser(caller, 'auth.mfa', origin);
    const audit = { requestId: origin.requestId, clientIp: origin.clientIp };
    const result = await this.#db.transaction(async (tx) => {
      const current = await userRepository.getForUpdate(tx, user.id);
      if (!current?.mfaEnabled) {
        return undefined;
      }
      const now = this.#settings.now();
      if ('code' in proof) {
        const secret = openMfaSecrets(this.#settings.secretsKey, current.id, current.mfaSecret).active;
        const step = secret ? matchTotp(secret, proof.code, now.getTime(), current.mfaLastStep) : undefined;
        if (step === undefined || !(await userRepository.consumeStep(tx, current.id, step))) {
          return undefined;
        }
      } else {
        const hash = recoveryCodeHash(this.#settings.secretsKey, current.id, proof.recoveryCode);
        if (!(await recoveryCodeRepository.use(tx, current.id, hash, now))) {
          return undefined;
        }
      }
      const issued = await this.#sessions.advance(tx, caller, 'active');
      await userRepository.clearFailures(tx, current.id);
      const recoveryCodesLeft =
        method === 'recovery_code' ? await recoveryCodeRepository.remaining(tx, current.id) : undefined;
      await auditService.record(tx, {
        actor: caller.actor,
        action: 'auth.mfa',
        outcome: 'ok',
        objectType: 'user',
        objectId: current.id,
        ...audit,
        details: { method, ...(recoveryCodesLeft === undefined ? {} : { recoveryCodesLeft }) },
      });
      return issued;
    });
    if (!result) {
      await this.#guard.fail({
        user,
        actor: caller.actor,
        attemptedName: user.username,
        action: 'auth.mfa',
        reason: method === 'totp' ? 'wrong_code' : 'wrong_recovery_code',
        origin: audit,
        details: { method },
      });
      throw havenError('MFA_INVALID');
    }
    return { user, session: result };
  }

  /** Changes one's own password (the current one proves it is really the user); ends other sessions. */
  async changePassword(
    caller: SessionCaller,
    request: { currentPassword: string; newPassword: string },
    origin: ClientOrigin,
  ): Promise<void> {
    const user = await this.#checkedUser(caller, 'auth.password.change', origin);
    const audit = { requestId: origin.requestId, clientIp: origin.clientIp };
    if (!(await verifyPassword(request.currentPassword, user.passwordHash))) {
      await this.#guard.fail({
        user,
        actor: caller.actor,
        attemptedName: user.username,
        action: 'auth.password.change',
        reason: 'wrong_password',
        origin: audit,
      });
      throw havenError('PASSWORD_INCORRECT');
    }
    if (request.newPassword === request.currentPassword) {
      throw havenError('PASSWORD_POLICY', { reason: 'it must differ from the current password' });
    }
    const prepared = await this.#users.preparePassword(request.newPassword, user.username);
    await this.#db.transaction(async (tx) => {
      await userRepository.setPassword(tx, user.id, prepared.hash, this.#settings.now());
      await userRepository.clearFailures(tx, user.id);
      const sessionsRevoked = await this.#sessions.revokeAllOf(tx, user.id, caller.idHash);
      await auditService.record(tx, {
        actor: caller.actor,
        action: 'auth.password.change',
        outcome: 'ok',
        objectType: 'user',
        objectId: user.id,
        ...audit,
        details: { sessionsRevoked },
      });
    });
  }

  async logout(caller: SessionCaller, origin: RequestOrigin): Promise<void> {
    await this.#db.transaction(async (tx) => {
      await this.#sessions.revoke(tx, caller.idHash);
      await auditService.record(tx, {
        actor: caller.actor,
        action: 'auth.logout',
        outcome: 'ok',
        objectType: 'user',
        objectId: caller.userId,
        ...origin,
        details: { stage: caller.stage },
      });
    });
  }

  /**
   * The caller's account before a secret is checked: the address budget and the account lock
   * apply to second factors and current passwords as they do to sign-in.
   */
  async #checkedUser(caller: SessionCaller, action: string, origin: ClientOrigin): Promise<UserRecord> {
    const audit = { requestId: origin.requestId, clientIp: origin.clientIp };
    const user = await userRepository.get(this.#db, caller.userId);
    if (!user || user.disabled) {
      throw havenError('UNAUTHENTICATED');
    }
    const attempt = { actor: caller.actor, attemptedName: user.username, action, origin: audit };
    await this.#guard.checkAddress(origin.clientIp, attempt);
    await this.#guard.checkLock(user, attempt, false);
    return user;
  }

  #dummy(): Promise<string> {
    this.#dummyHash ??= hashPassword(randomSecret(), this.#settings.password);
    return this.#dummyHash;
  }

  /** Stored hashes follow the configured cost up at the next sign-in (never down). */
  async #upgradeHash(user: UserRecord, password: string): Promise<void> {
    if (!needsRehash(user.passwordHash, this.#settings.password)) {
      return;
    }
    try {
      const upgraded = await hashPassword(password, this.#settings.password);
      await userRepository.upgradePasswordHash(this.#db, user.id, user.passwordHash, upgraded);
    } catch (error) {
      this.#log.warn('password hash upgrade failed', { userId: user.id, error: String(error) });
    }
  }
}

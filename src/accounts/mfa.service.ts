import type { AccountSettings } from '#haven/accounts/account-settings.js';
import { base32Encode } from '#haven/accounts/base32.js';
import {
  newRecoveryCodes,
  newTotpSecret,
  openMfaSecrets,
  recoveryCodeHash,
  sealMfaSecrets,
} from '#haven/accounts/mfa-secrets.js';
import { recoveryCodeRepository } from '#haven/accounts/recovery-code.repository.js';
import type { IssuedSession, SessionService } from '#haven/accounts/session.service.js';
import type { SignInGuard } from '#haven/accounts/sign-in-guard.js';
import type { ClientOrigin, SessionCaller } from '#haven/accounts/sign-in.service.js';
import { matchTotp, otpauthUri } from '#haven/accounts/totp.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import type { UserRecord } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

export const TOTP_ISSUER = 'Haven';

export interface Enrolment {
  /** Base32, for typing into an authenticator app. */
  readonly secret: string;
  readonly otpauthUri: string;
}

export interface ConfirmedEnrolment {
  readonly user: UserRecord;
  readonly session: IssuedSession;
  /** Shown once; only their keyed hashes are stored. */
  readonly recoveryCodes: readonly string[];
}

/**
 * Enrolling an authenticator. A first enrolment needs only the password-authenticated session
 * (stage mfa_enrolment); replacing a working authenticator needs an active session and a current
 * code from it. The new secret stays pending (the old one keeps working) until a code from it is
 * confirmed.
 */
export class MfaService {
  readonly #db: Database;
  readonly #settings: AccountSettings;
  readonly #sessions: SessionService;
  readonly #guard: SignInGuard;

  constructor(deps: {
    db: Database;
    settings: AccountSettings;
    sessions: SessionService;
    guard: SignInGuard;
  }) {
    this.#db = deps.db;
    this.#settings = deps.settings;
    this.#sessions = deps.sessions;
    this.#guard = deps.guard;
  }

  async start(
    caller: SessionCaller,
    currentCode: string | undefined,
    origin: ClientOrigin,
  ): Promise<Enrolment> {
    const action = 'auth.mfa.enrolment.start';
    const user = await this.#checkedUser(caller, action, origin);
    if (user.mfaEnabled && currentCode === undefined) {
      throw havenError('VALIDATION_FAILED', {
        issues: 'code: a current code from your authenticator is required to replace it',
      });
    }
    const key = this.#settings.secretsKey;
    const pending = newTotpSecret();
    const started = await this.#db.transaction(async (tx) => {
      const current = await userRepository.getForUpdate(tx, user.id);
      if (!current) {
        throw havenError('UNAUTHENTICATED');
      }
      const secrets = openMfaSecrets(key, current.id, current.mfaSecret);
      if (current.mfaEnabled) {
        const step =
          secrets.active && currentCode !== undefined
            ? matchTotp(secrets.active, currentCode, this.#settings.now().getTime(), current.mfaLastStep)
            : undefined;
        if (step === undefined || !(await userRepository.consumeStep(tx, current.id, step))) {
          return false;
        }
      }
      await userRepository.setMfa(tx, current.id, {
        secret: sealMfaSecrets(key, current.id, { active: secrets.active, pending }),
        enabled: current.mfaEnabled,
      });
      await auditService.record(tx, {
        actor: caller.actor,
        action,
        outcome: 'ok',
        objectType: 'user',
        objectId: current.id,
        requestId: origin.requestId,
        clientIp: origin.clientIp,
        details: { replacing: current.mfaEnabled },
      });
      return true;
    });
    if (!started) {
      return this.#failed(caller, user, action, origin);
    }
    const secret = base32Encode(pending);
    return { secret, otpauthUri: otpauthUri(secret, user.username, TOTP_ISSUER) };
  }

  /**
   * A code from the pending secret makes it the user's authenticator: MFA on, ten new recovery
   * codes, the session active under a new identifier, every other session of the user ended.
   */
  async confirm(caller: SessionCaller, code: string, origin: ClientOrigin): Promise<ConfirmedEnrolment> {
    const action = 'auth.mfa.enrolment.confirm';
    const user = await this.#checkedUser(caller, action, origin);
    const key = this.#settings.secretsKey;
    const recoveryCodes = newRecoveryCodes();
    const session = await this.#db.transaction(async (tx) => {
      const current = await userRepository.getForUpdate(tx, user.id);
      if (!current) {
        throw havenError('UNAUTHENTICATED');
      }
      const secrets = openMfaSecrets(key, current.id, current.mfaSecret);
      if (!secrets.pending) {
        throw havenError('CONFLICT', { reason: 'No enrolment was started: start one first' });
      }
      const step = matchTotp(secrets.pending, code, this.#settings.now().getTime(), current.mfaLastStep);
      if (step === undefined || !(await userRepository.consumeStep(tx, current.id, step))) {
        return undefined;
      }
      await userRepository.setMfa(tx, current.id, {
        secret: sealMfaSecrets(key, current.id, { active: secrets.pending, pending: null }),
        enabled: true,
      });
      await recoveryCodeRepository.replace(
        tx,
        current.id,
        recoveryCodes.map((recoveryCode) => recoveryCodeHash(key, current.id, recoveryCode)),
      );
      const issued = await this.#sessions.advance(tx, caller, 'active');
      const sessionsRevoked = await this.#sessions.revokeAllOf(tx, current.id, issued.idHash);
      await userRepository.clearFailures(tx, current.id);
      await auditService.record(tx, {
        actor: caller.actor,
        action,
        outcome: 'ok',
        objectType: 'user',
        objectId: current.id,
        requestId: origin.requestId,
        clientIp: origin.clientIp,
        details: { replaced: current.mfaEnabled, recoveryCodes: recoveryCodes.length, sessionsRevoked },
      });
      return issued;
    });
    if (!session) {
      return this.#failed(caller, user, action, origin);
    }
    return { user, session, recoveryCodes };
  }

  /**
   * The caller's account, once the address budget and lock allow another code to be tried. A
   * session still waiting for its second factor cannot replace an authenticator that exists.
   */
  async #checkedUser(caller: SessionCaller, action: string, origin: ClientOrigin): Promise<UserRecord> {
    const user = await userRepository.get(this.#db, caller.userId);
    if (!user || user.disabled) {
      throw havenError('UNAUTHENTICATED');
    }
    if (user.mfaEnabled && caller.stage !== 'active') {
      throw havenError('MFA_REQUIRED', { stage: caller.stage });
    }
    const attempt = {
      actor: caller.actor,
      attemptedName: user.username,
      action,
      origin: { requestId: origin.requestId, clientIp: origin.clientIp },
    };
    await this.#guard.checkAddress(origin.clientIp, attempt);
    await this.#guard.checkLock(user, attempt, false);
    return user;
  }

  async #failed(
    caller: SessionCaller,
    user: UserRecord,
    action: string,
    origin: ClientOrigin,
  ): Promise<never> {
    await this.#guard.fail({
      user,
      actor: caller.actor,
      attemptedName: user.username,
      action,
      reason: 'wrong_code',
      origin: { requestId: origin.requestId, clientIp: origin.clientIp },
    });
    throw havenError('MFA_INVALID');
  }
}

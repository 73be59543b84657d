import type { Actor } from '#haven/access/actor.js';
import { ADDRESS_WINDOW_MS, type AccountSettings } from '#haven/accounts/account-settings.js';
import { loginAttemptRepository } from '#haven/accounts/login-attempt.repository.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import type { RequestOrigin, UserRecord } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** A failed proof of identity (password or second factor), as the audit log records it. */
export interface Failure {
  /** The account it was aimed at, when one exists. */
  readonly user: UserRecord | null;
  /** The signed-in actor for failures after sign-in (wrong code, wrong current password). */
  readonly actor: Actor | null;
  readonly attemptedName: string;
  readonly action: string;
  readonly reason: string;
  readonly origin: RequestOrigin;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Brute-force protection shared by every place a secret is checked: a per-account lockout after
 * consecutive failures, and a per-address budget of failures in the database (so it holds across
 * processes and restarts).
 */
export class SignInGuard {
  readonly #db: Database;
  readonly #settings: AccountSettings;

  constructor(db: Database, settings: AccountSettings) {
    this.#db = db;
    this.#settings = settings;
  }

  /** Throws RATE_LIMITED (audited) when the address has used up its failures in the window. */
  async checkAddress(
    clientIp: string,
    attempt: { action: string; attemptedName: string; actor: Actor | null; origin: RequestOrigin },
  ): Promise<void> {
    const now = this.#settings.now().getTime();
    const limit = this.#settings.loginFailuresPerAddress;
    const { count, limitingAt } = await loginAttemptRepository.since(
      this.#db,
      clientIp,
      new Date(now - ADDRESS_WINDOW_MS),
      limit,
    );
    if (count < limit) {
      return;
    }
    const freeAt = (limitingAt?.getTime() ?? now) + ADDRESS_WINDOW_MS;
    const retryAfter = Math.max(1, Math.ceil((freeAt - now) / 1000));
    await this.#db.transaction((tx) =>
      auditService.record(tx, {
        actor: attempt.actor,
        attemptedName: attempt.attemptedName,
        action: attempt.action,
        outcome: 'denied',
        ...attempt.origin,
        details: { reason: 'rate_limited', retryAfter },
      }),
    );
    throw havenError('RATE_LIMITED', { retryAfter });
  }

  /** Throws ACCOUNT_LOCKED (audited) while the account's lock lasts. */
  async checkLock(
    user: UserRecord,
    attempt: Omit<Failure, 'user' | 'reason'>,
    countAsFailure: boolean,
  ): Promise<void> {
    const until = user.lockedUntil;
    if (!until || until.getTime() <= this.#settings.now().getTime()) {
      return;
    }
    await this.#db.transaction(async (tx) => {
      if (countAsFailure) {
        await this.#recordAddress(tx, attempt.origin.clientIp, attempt.attemptedName);
      }
      await auditService.record(tx, {
        actor: attempt.actor,
        attemptedName: attempt.attemptedName,
        action: attempt.action,
        outcome: 'denied',
        objectType: 'user',
        objectId: user.id,
        agencyId: user.agencyId,
        ...attempt.origin,
        details: { reason: 'locked', lockedUntil: until.toISOString(), ...attempt.details },
      });
    });
    throw havenError('ACCOUNT_LOCKED', { until: until.toISOString() });
  }

  /**
   * Records a failure in its own transaction (it must persist although the request fails): the
   * address budget, the account's counter (locking it at the threshold) and the audit rows.
   */
  async fail(failure: Failure): Promise<void> {
    const now = this.#settings.now();
    await this.#db.transaction(async (tx) => {
      await this.#recordAddress(tx, failure.origin.clientIp, failure.attemptedName);
      const counted = failure.user
        ? await userRepository.recordFailure(
            tx,
            failure.user.id,
            this.#settings.lockoutThreshold,
            new Date(now.getTime() + this.#settings.lockoutMs),
          )
        : undefined;
      // The counter starts again at 0 exactly when this failure locked the account.
      const lockedUntil = counted?.failedLogins === 0 ? counted.lockedUntil : null;
      await auditService.record(tx, {
        actor: failure.actor,
        attemptedName: failure.attemptedName,
        action: failure.action,
        outcome: 'failed',
        ...(failure.user
          ? { objectType: 'user', objectId: failure.user.id, agencyId: failure.user.agencyId }
          : {}),
        ...failure.origin,
        details: { reason: failure.reason, ...failure.details },
      });
      if (lockedUntil && failure.user) {
        await auditService.record(tx, {
          actor: failure.actor,
          attemptedName: failure.attemptedName,
          action: 'user.lock',
          outcome: 'ok',
          objectType: 'user',
          objectId: failure.user.id,
          agencyId: failure.user.agencyId,
          ...failure.origin,
          details: {
            reason: 'too_many_failures',
            failures: this.#settings.lockoutThreshold,
            lockedUntil: lockedUntil.toISOString(),
          },
        });
      }
    });
  }

  async #recordAddress(tx: Queryable, clientIp: string | undefined, attemptedName: string): Promise<void> {
    if (clientIp === undefined) {
      return;
    }
    const now = this.#settings.now();
    await loginAttemptRepository.record(
      tx,
      clientIp,
      attemptedName.slice(0, 128),
      now,
      new Date(now.getTime() - ADDRESS_WINDOW_MS),
    );
  }
}

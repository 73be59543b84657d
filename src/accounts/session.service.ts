import { TOUCH_INTERVAL_MS, type AccountSettings } from '#haven/accounts/account-settings.js';
import { looksLikeSessionId, randomSecret, sha256 } from '#haven/accounts/credentials.js';
import { sessionRepository } from '#haven/accounts/session.repository.js';
import type { SessionRecord, SessionStage } from '#haven/accounts/user.types.js';
import { SESSION_COOKIE } from '#haven/http/authenticator.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** A session just created or moved to another stage: the cookie value is known only now. */
export interface IssuedSession {
  readonly cookie: string;
  readonly idHash: Buffer;
  readonly csrfToken: string;
  readonly stage: SessionStage;
}

export type SessionLookup =
  | { readonly state: 'none' }
  | { readonly state: 'expired' }
  | { readonly state: 'live'; readonly session: SessionRecord };

/** Browser sessions: random cookie, hashed at rest, idle and absolute expiry, CSRF token. */
export class SessionService {
  readonly #settings: AccountSettings;

  constructor(settings: AccountSettings) {
    this.#settings = settings;
  }

  async create(
    tx: Queryable,
    userId: string,
    stage: SessionStage,
    client: { clientIp: string | null; userAgent: string | null },
  ): Promise<IssuedSession> {
    const now = this.#settings.now();
    const issued = fresh(stage);
    await sessionRepository.insert(tx, {
      idHash: issued.idHash,
      userId,
      stage,
      csrfToken: issued.csrfToken,
      now,
      expiresAt: new Date(now.getTime() + this.#settings.sessionAbsoluteMs),
      ...client,
    });
    return issued;
  }

  /** The session moved to `stage` under a new identifier; UNAUTHENTICATED if it ended meanwhile. */
  async advance(tx: Queryable, current: { idHash: Buffer }, stage: SessionStage): Promise<IssuedSession> {
    const issued = fresh(stage);
    const moved = await sessionRepository.advance(tx, current.idHash, {
      ...issued,
      now: this.#settings.now(),
    });
    if (!moved) {
      throw havenError('UNAUTHENTICATED');
    }
    return issued;
  }

  /** What a cookie value stands for; refreshes last_seen_at (at most once a minute). */
  async lookup(db: Queryable, cookie: string): Promise<SessionLookup> {
    if (!looksLikeSessionId(cookie)) {
      return { state: 'none' };
    }
    const idHash = sha256(cookie);
    const session = await sessionRepository.get(db, idHash);
    if (!session || session.revokedAt) {
      return { state: 'none' };
    }
    const now = this.#settings.now().getTime();
    if (
      now >= session.expiresAt.getTime() ||
      now - session.lastSeenAt.getTime() >= this.#settings.sessionIdleMs
    ) {
      return { state: 'expired' };
    }
    if (now - session.lastSeenAt.getTime() >= TOUCH_INTERVAL_MS) {
      await sessionRepository.touch(db, idHash, new Date(now));
    }
    return { state: 'live', session };
  }

  async revoke(tx: Queryable, idHash: Buffer): Promise<void> {
    await sessionRepository.revoke(tx, idHash, this.#settings.now());
  }

  /** Ends every session of a user (but `keep`); returns how many were live. */
  revokeAllOf(tx: Queryable, userId: string, keep: Buffer | null = null): Promise<number> {
    return sessionRepository.revokeAllOf(tx, userId, this.#settings.now(), keep);
  }

  /** Set-Cookie for a session: never readable by scripts, never sent cross-site. */
  cookieHeader(value: string): string {
    return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict${this.#settings.secureCookies ? '; Secure' : ''}`;
  }

  clearCookieHeader(): string {
    return `${this.cookieHeader('')}; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`;
  }
}

function fresh(stage: SessionStage): IssuedSession {
  const cookie = randomSecret();
  return { cookie, idHash: sha256(cookie), csrfToken: randomSecret(), stage };
}

import { requiresMfa } from '#haven/access/permissions.js';
import { userActor } from '#haven/accounts/account-actor.js';
import type { ApiTokenService } from '#haven/accounts/api-token.service.js';
import { bearerToken } from '#haven/accounts/credentials.js';
import type { SessionService } from '#haven/accounts/session.service.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import type { Authentication, Authenticator, Credentials } from '#haven/http/authenticator.js';
import type { Queryable } from '#haven/platform/db/database.js';

const NOBODY: Authentication = {
  actor: null,
  via: null,
  sessionStage: null,
  sessionIdHash: null,
  csrfToken: null,
};

/**
 * Recognises callers by API token (Authorization: Bearer, which wins over a cookie) or session
 * cookie. Anything invalid, expired, revoked or belonging to a disabled user is nobody.
 */
export class AccountAuthenticator implements Authenticator {
  readonly #db: Queryable;
  readonly #sessions: SessionService;
  readonly #tokens: ApiTokenService;

  constructor(db: Queryable, sessions: SessionService, tokens: ApiTokenService) {
    this.#db = db;
    this.#sessions = sessions;
    this.#tokens = tokens;
  }

  async authenticate(credentials: Credentials): Promise<Authentication> {
    const token = bearerToken(credentials.authorization);
    if (token !== undefined) {
      const actor = await this.#tokens.authenticate(this.#db, token);
      return actor ? { ...NOBODY, actor, via: 'token' } : NOBODY;
    }
    if (credentials.sessionCookie === undefined || credentials.sessionCookie === '') {
      return NOBODY;
    }
    const found = await this.#sessions.lookup(this.#db, credentials.sessionCookie);
    if (found.state === 'expired') {
      return { ...NOBODY, expired: true };
    }
    if (found.state === 'none') {
      return NOBODY;
    }
    const { session } = found;
    const user = await userRepository.get(this.#db, session.userId);
    if (!user || user.disabled) {
      return NOBODY;
    }
    // Roles that came to need a second factor after sign-in: the session must enrol before going on.
    const stage =
      session.stage === 'active' && requiresMfa(user.roles) && !user.mfaEnabled
        ? 'mfa_enrolment'
        : session.stage;
    return {
      actor: userActor(user),
      via: 'session',
      sessionStage: stage,
      sessionIdHash: session.idHash,
      csrfToken: session.csrfToken,
    };
  }
}

import type { Caller } from '#haven/http/route.js';

export interface Credentials {
  /** Value of the session cookie, if any. */
  readonly sessionCookie: string | undefined;
  /** Value of the Authorization header, if any ("Bearer <token>"). */
  readonly authorization: string | undefined;
  readonly clientIp: string;
}

export interface Authentication extends Caller {
  /** CSRF token of the session (cookie sessions must echo it on state-changing requests). */
  readonly csrfToken: string | null;
  /** The credential was a real session that has expired (answered SESSION_EXPIRED, not UNAUTHENTICATED). */
  readonly expired?: boolean;
}

/**
 * Turns request credentials into a caller. Implemented by the accounts capability; an invalid,
 * expired or revoked credential is treated as no credential (and the route decides).
 */
export interface Authenticator {
  authenticate(credentials: Credentials): Promise<Authentication>;
}

export const SESSION_COOKIE = 'haven_session';
export const CSRF_HEADER = 'x-csrf-token';

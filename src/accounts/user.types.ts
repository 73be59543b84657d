import type { Role } from '#haven/access/permissions.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import type { SessionStage } from '#haven/http/route.js';

export type { SessionStage };

/** A user as stored, secrets included: never leaves the accounts capability as is. */
export interface UserRecord {
  readonly id: string;
  readonly agencyId: string;
  readonly username: string;
  readonly displayName: string;
  readonly passwordHash: string;
  readonly roles: readonly Role[];
  /** Sealed MfaSecrets (secret-box.ts); null until an enrolment starts. */
  readonly mfaSecret: Buffer | null;
  readonly mfaEnabled: boolean;
  readonly mfaLastStep: number;
  readonly failedLogins: number;
  readonly lockedUntil: Date | null;
  readonly disabled: boolean;
  readonly passwordChangedAt: Date;
  readonly createdAt: Date;
}

/** What administrators and the user see: no secrets. */
export interface UserView {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly agency: Pick<Agency, 'id' | 'name' | 'country'>;
  readonly roles: readonly Role[];
  readonly disabled: boolean;
  readonly mfaEnabled: boolean;
  readonly lockedUntil: Date | null;
  readonly passwordChangedAt: Date;
  readonly createdAt: Date;
}

/**
 * The TOTP secrets of a user: the one in use, and one being enrolled (kept apart so that starting
 * a re-enrolment does not disable the current authenticator).
 */
export interface MfaSecrets {
  readonly active: Buffer | null;
  readonly pending: Buffer | null;
}

export interface SessionRecord {
  readonly idHash: Buffer;
  readonly userId: string;
  readonly stage: SessionStage;
  readonly csrfToken: string;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface ApiTokenRecord {
  readonly id: string;
  readonly userId: string;
  readonly name: string;
  readonly scopes: readonly string[];
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
}

/** Who is asking and from where, for the audit log. */
export interface RequestOrigin {
  readonly requestId?: string | undefined;
  readonly clientIp?: string | undefined;
}

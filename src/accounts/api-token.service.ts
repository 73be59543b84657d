import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import { PERMISSIONS, type Permission } from '#haven/access/permissions.js';
import { TOUCH_INTERVAL_MS, type AccountSettings } from '#haven/accounts/account-settings.js';
import { tokenActor } from '#haven/accounts/account-actor.js';
import { apiTokenRepository } from '#haven/accounts/api-token.repository.js';
import { looksLikeApiToken, newApiToken, sha256 } from '#haven/accounts/credentials.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import type { ApiTokenRecord, RequestOrigin } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Tokens live at most a year: automation must be re-authorised by a person now and then. */
export const MAX_TOKEN_DAYS = 365;

export interface CreatedToken {
  readonly record: ApiTokenRecord;
  /** The secret, known only at creation. */
  readonly token: string;
}

/**
 * API tokens for automation: created by a signed-in user for themselves, limited to scopes they
 * hold, expiring, revocable; stored as SHA-256 only.
 */
export class ApiTokenService {
  readonly #settings: AccountSettings;

  constructor(settings: AccountSettings) {
    this.#settings = settings;
  }

  async create(
    tx: Queryable,
    actor: Actor,
    request: { name: string; scopes: readonly Permission[]; expiresInDays: number },
    origin: RequestOrigin,
  ): Promise<CreatedToken> {
    accessService.require(actor, 'token.manage');
    // A token minting tokens would outlive the person's own authorisation.
    if (actor.kind !== 'user' || !actor.userId) {
      throw havenError('FORBIDDEN', { permission: 'token.manage (from a signed-in session, not a token)' });
    }
    const scopes = PERMISSIONS.filter((permission) => request.scopes.includes(permission));
    const missing = scopes.filter((permission) => !actor.permissions.has(permission));
    if (scopes.length === 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'scopes: at least one permission' });
    }
    if (missing.length > 0) {
      throw havenError('FORBIDDEN', { permission: `${missing.join(', ')} (not yours to delegate)` });
    }
    const name = request.name.trim();
    if (name.length === 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'name: must not be empty' });
    }
    if (
      !Number.isInteger(request.expiresInDays) ||
      request.expiresInDays < 1 ||
      request.expiresInDays > MAX_TOKEN_DAYS
    ) {
      throw havenError('VALIDATION_FAILED', { issues: `expiresInDays: 1 to ${MAX_TOKEN_DAYS}` });
    }
    const now = this.#settings.now();
    const token = newApiToken();
    const record = await apiTokenRepository.insert(tx, {
      id: randomUUID(),
      userId: actor.userId,
      name,
      tokenHash: sha256(token),
      scopes,
      now,
      expiresAt: new Date(now.getTime() + request.expiresInDays * 86_400_000),
    });
    await auditService.record(tx, {
      actor,
      action: 'token.create',
      outcome: 'ok',
      objectType: 'api_token',
      objectId: record.id,
      ...origin,
      details: { name, scopes, expiresAt: record.expiresAt.toISOString() },
    });
    return { record, token };
  }

  list(db: Queryable, actor: Actor): Promise<ApiTokenRecord[]> {
    accessService.require(actor, 'token.manage');
    return actor.userId ? apiTokenRepository.listOf(db, actor.userId) : Promise.resolve([]);
  }

  /** Revokes one of the actor's own tokens; anyone else's answers NOT_FOUND. */
  async revoke(tx: Queryable, actor: Actor, id: string, origin: RequestOrigin): Promise<void> {
    accessService.require(actor, 'token.manage');
    const record = actor.userId ? await apiTokenRepository.getOf(tx, actor.userId, id) : undefined;
    if (!record) {
      throw havenError('NOT_FOUND');
    }
    if (record.revokedAt) {
      return;
    }
    await apiTokenRepository.revoke(tx, id, this.#settings.now());
    await auditService.record(tx, {
      actor,
      action: 'token.revoke',
      outcome: 'ok',
      objectType: 'api_token',
      objectId: id,
      ...origin,
      details: { name: record.name },
    });
  }

  /** The actor a bearer token stands for, if it is live and its user enabled. */
  async authenticate(db: Queryable, token: string): Promise<Actor | undefined> {
    if (!looksLikeApiToken(token)) {
      return undefined;
    }
    const record = await apiTokenRepository.findByHash(db, sha256(token));
    const now = this.#settings.now().getTime();
    if (!record || record.revokedAt || record.expiresAt.getTime() <= now) {
      return undefined;
    }
    const user = await userRepository.get(db, record.userId);
    if (!user || user.disabled) {
      return undefined;
    }
    if (!record.lastUsedAt || now - record.lastUsedAt.getTime() >= TOUCH_INTERVAL_MS) {
      await apiTokenRepository.touch(db, record.id, new Date(now));
    }
    return tokenActor(user, record.scopes);
  }
}

import { randomUUID } from 'node:crypto';
import type { Actor } from '#haven/access/actor.js';
import { accessService, scopeOf } from '#haven/access/access.service.js';
import { ROLES, type Role } from '#haven/access/permissions.js';
import type { AccountSettings } from '#haven/accounts/account-settings.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import { hashPassword } from '#haven/accounts/password-hash.js';
import { passwordProblem } from '#haven/accounts/password-policy.js';
import { recoveryCodeRepository } from '#haven/accounts/recovery-code.repository.js';
import type { SessionService } from '#haven/accounts/session.service.js';
import { userRepository } from '#haven/accounts/user.repository.js';
import type { RequestOrigin, UserRecord, UserView } from '#haven/accounts/user.types.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

/** Lower case so that "J.Doe" and "j.doe" cannot be two accounts; no spaces or control characters. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._@-]{1,63}$/;

/** A password that passed the policy, hashed (outside any transaction: hashing is slow on purpose). */
export interface PreparedPassword {
  readonly hash: string;
  readonly username: string;
}

export interface NewUserRequest {
  readonly username: string;
  readonly displayName: string;
  readonly agencyId: string;
  readonly roles: readonly Role[];
  readonly password: PreparedPassword;
}

export interface UserChanges {
  readonly displayName?: string | undefined;
  readonly roles?: readonly Role[] | undefined;
  readonly disabled?: boolean | undefined;
}

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase();
}

/** Accounts as administrators see them: agency administrators their own agency, central ones all. */
export class UserService {
  readonly #settings: AccountSettings;
  readonly #sessions: SessionService;

  constructor(settings: AccountSettings, sessions: SessionService) {
    this.#settings = settings;
    this.#sessions = sessions;
  }

  /** Checks the policy for this username and hashes; throws PASSWORD_POLICY with the reason. */
  async preparePassword(password: string, username: string): Promise<PreparedPassword> {
    const problem = passwordProblem(password, username);
    if (problem) {
      throw havenError('PASSWORD_POLICY', { reason: problem });
    }
    return { hash: await hashPassword(password, this.#settings.password), username };
  }

  async create(
    tx: Queryable,
    actor: Actor,
    request: NewUserRequest,
    origin: RequestOrigin,
  ): Promise<UserRecord> {
    accessService.require(actor, 'user.manage');
    const username = normaliseUsername(request.username);
    if (!USERNAME_PATTERN.test(username)) {
      throw havenError('VALIDATION_FAILED', {
        issues: 'username: 2 to 64 of a-z, 0-9, ".", "_", "@", "-", starting with a letter or digit',
      });
    }
    if (request.password.username !== username) {
      throw new Error('The password was prepared for another username');
    }
    const roles = checkedRoles(request.roles);
    const scope = scopeOf(actor);
    if (scope !== null && request.agencyId !== scope) {
      throw havenError('FORBIDDEN', { permission: 'user.manage (only in your own agency)' });
    }
    requireGrantable(actor, roles);
    if (!(await agencyService.get(tx, request.agencyId))) {
      throw havenError('VALIDATION_FAILED', { issues: `agencyId: no agency ${request.agencyId}` });
    }
    if (await userRepository.findByUsername(tx, username)) {
      throw havenError('CONFLICT', { reason: `The username ${JSON.stringify(username)} is taken` });
    }
    const displayName = request.displayName.trim();
    if (displayName.length === 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'displayName: must not be empty' });
    }
    const created = await userRepository.insert(tx, {
      id: randomUUID(),
      agencyId: request.agencyId,
      username,
      displayName,
      passwordHash: request.password.hash,
      roles,
    });
    await auditService.record(tx, {
      actor,
      action: 'user.create',
      outcome: 'ok',
      objectType: 'user',
      objectId: created.id,
      ...origin,
      details: { username, agencyId: created.agencyId, roles },
    });
    return created;
  }

  /** Users the actor may see, optionally of one agency (another agency's: none). */
  async list(db: Queryable, actor: Actor, agencyId?: string): Promise<UserRecord[]> {
    accessService.require(actor, 'user.read');
    const scope = scopeOf(actor);
    if (scope !== null && agencyId !== undefined && agencyId !== scope) {
      return [];
    }
    return userRepository.list(db, agencyId ?? scope);
  }

  /** The user if the actor may see it; NOT_FOUND otherwise, exactly as for an id that does not exist. */
  async getVisible(db: Queryable, actor: Actor, id: string): Promise<UserRecord> {
    accessService.require(actor, 'user.read');
    const user = await userRepository.get(db, id);
    const scope = scopeOf(actor);
    if (!user || (scope !== null && user.agencyId !== scope)) {
      throw havenError('NOT_FOUND');
    }
    return user;
  }

  get(db: Queryable, id: string): Promise<UserRecord | undefined> {
    return userRepository.get(db, id);
  }

  findByUsername(db: Queryable, username: string): Promise<UserRecord | undefined> {
    return userRepository.findByUsername(db, normaliseUsername(username));
  }

  async update(
    tx: Queryable,
    actor: Actor,
    id: string,
    changes: UserChanges,
    origin: RequestOrigin,
  ): Promise<UserRecord> {
    const before = await this.#manageable(tx, actor, id);
    const self = actor.userId === before.id;
    const roles = changes.roles === undefined ? undefined : checkedRoles(changes.roles);
    const rolesChange = roles !== undefined && !sameRoles(roles, before.roles);
    if (self && (rolesChange || changes.disabled === true)) {
      throw havenError('FORBIDDEN', { permission: 'user.manage (not your own roles or account state)' });
    }
    if (rolesChange) {
      requireGrantable(actor, roles);
    }
    const displayName = changes.displayName?.trim();
    if (displayName !== undefined && displayName.length === 0) {
      throw havenError('VALIDATION_FAILED', { issues: 'displayName: must not be empty' });
    }
    const after = await userRepository.update(tx, id, {
      ...(displayName !== undefined ? { displayName } : {}),
      ...(rolesChange ? { roles } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
    });
    const diff: Record<string, { from: unknown; to: unknown }> = {};
    if (after.displayName !== before.displayName) {
      diff.displayName = { from: before.displayName, to: after.displayName };
    }
    if (rolesChange) {
      diff.roles = { from: before.roles, to: after.roles };
    }
    if (after.disabled !== before.disabled) {
      diff.disabled = { from: before.disabled, to: after.disabled };
    }
    // A disabled account's sessions end now, not when they expire.
    const sessionsRevoked = after.disabled && !before.disabled ? await this.#sessions.revokeAllOf(tx, id) : 0;
    if (Object.keys(diff).length > 0) {
      await auditService.record(tx, {
        actor,
        action: 'user.update',
        outcome: 'ok',
        objectType: 'user',
        objectId: id,
        ...origin,
        details: { username: before.username, changes: diff, sessionsRevoked },
      });
    }
    return after;
  }

  /** Sets a new password chosen by an administrator and ends the user's sessions. */
  async resetPassword(
    tx: Queryable,
    actor: Actor,
    id: string,
    password: PreparedPassword,
    origin: RequestOrigin,
  ): Promise<void> {
    const target = await this.#manageable(tx, actor, id);
    if (actor.userId === target.id) {
      throw havenError('FORBIDDEN', {
        permission: 'user.manage (change your own password with your current one)',
      });
    }
    if (password.username !== target.username) {
      throw new Error('The password was prepared for another username');
    }
    await userRepository.setPassword(tx, id, password.hash, this.#settings.now());
    await userRepository.clearFailures(tx, id);
    const sessionsRevoked = await this.#sessions.revokeAllOf(tx, id);
    await auditService.record(tx, {
      actor,
      action: 'user.password.reset',
      outcome: 'ok',
      objectType: 'user',
      objectId: id,
      ...origin,
      details: { username: target.username, sessionsRevoked },
    });
  }

  /** Removes the user's second factor (lost phone): they enrol again at their next sign-in. */
  async resetMfa(tx: Queryable, actor: Actor, id: string, origin: RequestOrigin): Promise<void> {
    const target = await this.#manageable(tx, actor, id);
    if (actor.userId === target.id) {
      throw havenError('FORBIDDEN', { permission: 'user.manage (not your own second factor)' });
    }
    await userRepository.clearMfa(tx, id);
    await recoveryCodeRepository.removeAll(tx, id);
    const sessionsRevoked = await this.#sessions.revokeAllOf(tx, id);
    await auditService.record(tx, {
      actor,
      action: 'user.mfa.reset',
      outcome: 'ok',
      objectType: 'user',
      objectId: id,
      ...origin,
      details: { username: target.username, hadMfa: target.mfaEnabled, sessionsRevoked },
    });
  }

  /** Lifts a lockout before it expires. */
  async unlock(tx: Queryable, actor: Actor, id: string, origin: RequestOrigin): Promise<void> {
    const target = await this.#manageable(tx, actor, id);
    await userRepository.clearFailures(tx, id);
    await auditService.record(tx, {
      actor,
      action: 'user.unlock',
      outcome: 'ok',
      objectType: 'user',
      objectId: id,
      ...origin,
      details: { username: target.username, wasLockedUntil: target.lockedUntil?.toISOString() ?? null },
    });
  }

  /** Views of users, each with its agency. */
  async views(db: Queryable, users: readonly UserRecord[]): Promise<UserView[]> {
    const agencies = new Map((await agencyService.list(db)).map((agency) => [agency.id, agency]));
    return users.map((user) => toView(user, agencies.get(user.agencyId)));
  }

  async view(db: Queryable, user: UserRecord): Promise<UserView> {
    return toView(user, await agencyService.get(db, user.agencyId));
  }

  /**
   * The user, if the actor may manage them: visible (else NOT_FOUND), and not a central
   * administrator unless the actor is one (an agency administrator must not take over the
   * accounts that administer every agency).
   */
  async #manageable(tx: Queryable, actor: Actor, id: string): Promise<UserRecord> {
    accessService.require(actor, 'user.manage');
    const target = await this.getVisible(tx, actor, id);
    if (!actor.allAgencies && target.roles.includes('central_admin')) {
      throw havenError('FORBIDDEN', { permission: 'user.manage (central administrators)' });
    }
    return target;
  }
}

function toView(user: UserRecord, agency: Agency | undefined): UserView {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    agency: { id: user.agencyId, name: agency?.name ?? '', country: agency?.country ?? '' },
    roles: user.roles,
    disabled: user.disabled,
    mfaEnabled: user.mfaEnabled,
    lockedUntil: user.lockedUntil,
    passwordChangedAt: user.passwordChangedAt,
    createdAt: user.createdAt,
  };
}

function checkedRoles(roles: readonly Role[]): Role[] {
  const unique = ROLES.filter((role) => roles.includes(role));
  if (unique.length === 0 || roles.some((role) => !ROLES.includes(role))) {
    throw havenError('VALIDATION_FAILED', { issues: `roles: one or more of ${ROLES.join(', ')}` });
  }
  return unique;
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((role) => b.includes(role));
}

/** Only central administrators make central administrators. */
function requireGrantable(actor: Actor, roles: readonly Role[]): void {
  if (roles.includes('central_admin') && !actor.allAgencies) {
    throw havenError('FORBIDDEN', { permission: 'user.manage (granting central_admin)' });
  }
}

import type { Actor } from '#haven/access/actor.js';
import { PERMISSIONS, permissionsOf, type Permission } from '#haven/access/permissions.js';
import type { UserRecord } from '#haven/accounts/user.types.js';

/** A signed-in user acting with every permission of their current roles. */
export function userActor(user: UserRecord): Actor {
  return {
    kind: 'user',
    userId: user.id,
    agencyId: user.agencyId,
    name: user.username,
    roles: user.roles,
    permissions: permissionsOf(user.roles),
    allAgencies: user.roles.includes('central_admin'),
  };
}

/**
 * An API token acting for its user: the permissions its scopes name that the user still holds
 * today (a role taken away also leaves the user's tokens).
 */
export function tokenActor(user: UserRecord, scopes: readonly string[]): Actor {
  const held = permissionsOf(user.roles);
  const permissions = new Set<Permission>(
    PERMISSIONS.filter((permission) => held.has(permission) && scopes.includes(permission)),
  );
  return { ...userActor(user), kind: 'token', permissions };
}

import type { Permission, Role } from '#haven/access/permissions.js';

/**
 * Who is acting: a signed-in user, an API token (acting for its user, limited to its scopes), or
 * the system itself (the local command line, background jobs), which is not agency-scoped.
 */
export interface Actor {
  readonly kind: 'user' | 'token' | 'system';
  readonly userId: string | null;
  readonly agencyId: string | null;
  readonly name: string;
  readonly roles: readonly Role[];
  readonly permissions: ReadonlySet<Permission>;
  /** Central administrators manage every agency; everyone else is scoped to their own. */
  readonly allAgencies: boolean;
}

export function systemActor(name: string): Actor {
  return {
    kind: 'system',
    userId: null,
    agencyId: null,
    name,
    roles: [],
    permissions: new Set(),
    allAgencies: true,
  };
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.kind === 'system' || actor.permissions.has(permission);
}

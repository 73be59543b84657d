/**
 * Who may do what: every permission a route can require, and what each role grants. The one place
 * to read (and review) the access policy; agency scope is checked on top by access.service.ts.
 */
export const PERMISSIONS = [
  'case.read',
  'case.create',
  'case.share',
  'ingest.create',
  'ingest.read',
  'media.read',
  'media.preview',
  'media.preview.clear',
  'media.original',
  'lookup.hash',
  'agency.read',
  'agency.manage',
  'user.read',
  'user.manage',
  'token.manage',
  'audit.read',
  'series.read',
  'series.create',
  'series.manage',
  'series.contribute',
  'notification.read',
  'taskforce.manage',
  'taskforce.participate',
  'stats.read',
  'media.categorise',
  'appeal.read',
  'appeal.propose',
  'appeal.review',
  'tip.moderate',
  'hashset.read',
  'hashset.manage',
  'face.settings',
  'face.search',
  'face.review',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = [
  'investigator',
  'reviewer',
  'agency_admin',
  'central_admin',
  'taskforce_coordinator',
  'tip_moderator',
] as const;
export type Role = (typeof ROLES)[number];

const MATERIAL: readonly Permission[] = ['media.read', 'media.preview'];
/** Working on series others own too: reading, commenting, clues and places, sprint outcomes. */
const WORKSPACE: readonly Permission[] = [
  'series.read',
  'series.contribute',
  'notification.read',
  'taskforce.participate',
  'stats.read',
];

export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = {
  investigator: [
    'case.read',
    'case.create',
    'case.share',
    'ingest.create',
    'ingest.read',
    ...MATERIAL,
    'media.preview.clear',
    'media.original',
    'lookup.hash',
    'agency.read',
    'token.manage',
    ...WORKSPACE,
    'series.create',
    'series.manage',
    'media.categorise',
    'appeal.read',
    'appeal.propose',
    'hashset.read',
    'hashset.manage',
    'face.search',
    'face.review',
  ],
  reviewer: [
    'case.read',
    'ingest.read',
    ...MATERIAL,
    'media.preview.clear',
    'lookup.hash',
    'agency.read',
    'token.manage',
    ...WORKSPACE,
    'media.categorise',
    // The second person of the two-person rule for public appeals.
    'appeal.read',
    'appeal.review',
    'hashset.read',
    'face.review',
  ],
  // Administrators manage people and sharing; they do not look at material.
  agency_admin: [
    'case.read',
    'case.share',
    'agency.read',
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'notification.read',
    'stats.read',
    'face.settings',
  ],
  central_admin: [
    'case.read',
    'agency.read',
    'agency.manage',
    'user.read',
    'user.manage',
    'audit.read',
    'token.manage',
    'stats.read',
    'hashset.read',
    'hashset.manage',
  ],
  taskforce_coordinator: [
    'case.read',
    'ingest.read',
    ...MATERIAL,
    'lookup.hash',
    'agency.read',
    'token.manage',
    ...WORKSPACE,
    'taskforce.manage',
  ],
  tip_moderator: ['agency.read', 'appeal.read', 'tip.moderate'],
};

export function permissionsOf(roles: readonly Role[]): Set<Permission> {
  return new Set(roles.flatMap((role) => ROLE_PERMISSIONS[role]));
}

/** Roles whose holders must use TOTP: everyone who can see material or administer access. */
export function requiresMfa(roles: readonly Role[]): boolean {
  return roles.some((role) => role !== 'tip_moderator');
}

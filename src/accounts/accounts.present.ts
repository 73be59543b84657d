import type { Actor } from '#haven/access/actor.js';
import { PERMISSIONS } from '#haven/access/permissions.js';
import type { Agency } from '#haven/accounts/agency.types.js';
import type { AgencyBody, SessionBody, TokenBody, UserBody } from '#haven/accounts/accounts.schema.js';
import type { Authentication } from '#haven/http/authenticator.js';
import type { ApiTokenRecord, SessionStage, UserView } from '#haven/accounts/user.types.js';
import type { SessionCaller } from '#haven/accounts/sign-in.service.js';
import type { Caller } from '#haven/http/route.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

type Out<T extends { _output: unknown }> = T['_output'];

export function sessionBody(
  stage: SessionStage,
  csrfToken: string | null,
  view: UserView,
  actor: Actor,
): Out<typeof SessionBody> {
  return {
    stage,
    csrfToken,
    user: {
      id: view.id,
      username: view.username,
      displayName: view.displayName,
      agency: view.agency,
      roles: [...view.roles],
      permissions: PERMISSIONS.filter((permission) => actor.permissions.has(permission)),
    },
  };
}

export function userBody(view: UserView, now: Date): Out<typeof UserBody> {
  const locked = view.lockedUntil && view.lockedUntil.getTime() > now.getTime() ? view.lockedUntil : null;
  return {
    id: view.id,
    username: view.username,
    displayName: view.displayName,
    agency: view.agency,
    roles: [...view.roles],
    disabled: view.disabled,
    mfaEnabled: view.mfaEnabled,
    lockedUntil: locked?.toISOString() ?? null,
    passwordChangedAt: view.passwordChangedAt.toISOString(),
    createdAt: view.createdAt.toISOString(),
  };
}

export function agencyBody(agency: Agency): Out<typeof AgencyBody> {
  return {
    id: agency.id,
    name: agency.name,
    country: agency.country,
    type: agency.type,
    contact: agency.contact,
    createdAt: agency.createdAt.toISOString(),
  };
}

export function tokenBody(record: ApiTokenRecord): Out<typeof TokenBody> {
  return {
    id: record.id,
    name: record.name,
    scopes: PERMISSIONS.filter((permission) => record.scopes.includes(permission)),
    createdAt: record.createdAt.toISOString(),
    expiresAt: record.expiresAt.toISOString(),
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
  };
}

/** The caller as a browser session; API tokens cannot sign in, out or change credentials. */
export function sessionCaller(caller: Caller | Authentication): SessionCaller {
  const { actor, sessionIdHash, sessionStage } = caller;
  if (caller.via !== 'session' || !actor?.userId || !sessionIdHash || !sessionStage) {
    throw havenError('FORBIDDEN', { permission: 'a signed-in browser session, not an API token' });
  }
  return { actor, userId: actor.userId, idHash: sessionIdHash, stage: sessionStage };
}

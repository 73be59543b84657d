import type { AccountServices } from '#haven/accounts/account-services.js';
import { userBody } from '#haven/accounts/accounts.present.js';
import {
  CreateUserRequest,
  IdParams,
  PasswordResetRequest,
  UpdateUserRequest,
  UserBody,
  UserList,
  UserListQuery,
} from '#haven/accounts/accounts.schema.js';
import { ERROR_RESPONSES, ErrorBody } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';

/**
 * User administration. Agency administrators see and manage their own agency's users only (any
 * other id answers NOT_FOUND, as a missing one does); central administrators manage everyone.
 */
export function userRoutes(deps: { db: Database; accounts: AccountServices }): RouteSpec[] {
  const { db, accounts } = deps;
  const { users } = accounts;
  const now = (): Date => accounts.settings.now();
  return [
    defineRoute({
      method: 'GET',
      path: '/users',
      operationId: 'listUsers',
      summary: 'Users you administer (optionally of one agency)',
      tag: 'users',
      access: { permission: 'user.read' },
      query: UserListQuery,
      responses: { 200: { description: 'The users', schema: UserList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const found = await users.list(db, actor, query.agency);
        return { body: { users: (await users.views(db, found)).map((view) => userBody(view, now())) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/users',
      operationId: 'createUser',
      summary: 'Create a user (agency administrators: in their agency, never central_admin; audited)',
      tag: 'users',
      access: { permission: 'user.manage' },
      body: CreateUserRequest,
      responses: {
        201: { description: 'Created', schema: UserBody },
        409: { description: 'Username taken', schema: ErrorBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, body, requestId, clientIp }) {
        const password = await users.preparePassword(body.password, body.username);
        const created = await db.transaction((tx) =>
          users.create(tx, actor, { ...body, password }, { requestId, clientIp }),
        );
        return { status: 201, body: userBody(await users.view(db, created), now()) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/users/:id',
      operationId: 'getUser',
      summary: 'One user',
      tag: 'users',
      access: { permission: 'user.read' },
      params: IdParams,
      responses: { 200: { description: 'The user', schema: UserBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const user = await users.getVisible(db, actor, params.id);
        return { body: userBody(await users.view(db, user), now()) };
      },
    }),
    defineRoute({
      method: 'PATCH',
      path: '/users/:id',
      operationId: 'updateUser',
      summary: 'Change display name, roles or disabled (not your own roles or state; audited)',
      tag: 'users',
      access: { permission: 'user.manage' },
      params: IdParams,
      body: UpdateUserRequest,
      responses: { 200: { description: 'The user', schema: UserBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const updated = await db.transaction((tx) =>
          users.update(tx, actor, params.id, body, { requestId, clientIp }),
        );
        return { body: userBody(await users.view(db, updated), now()) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/users/:id/password-reset',
      operationId: 'resetUserPassword',
      summary: "Set a user's password (their sessions end; audited)",
      tag: 'users',
      access: { permission: 'user.manage' },
      params: IdParams,
      body: PasswordResetRequest,
      responses: { 204: { description: 'Reset' }, ...ERROR_RESPONSES },
      async handler({ actor, params, body, requestId, clientIp }) {
        const target = await users.getVisible(db, actor, params.id);
        const password = await users.preparePassword(body.newPassword, target.username);
        await db.transaction((tx) =>
          users.resetPassword(tx, actor, params.id, password, { requestId, clientIp }),
        );
        return { status: 204, body: undefined };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/users/:id/mfa-reset',
      operationId: 'resetUserMfa',
      summary: "Remove a user's second factor: they enrol again at next sign-in (sessions end; audited)",
      tag: 'users',
      access: { permission: 'user.manage' },
      params: IdParams,
      responses: { 204: { description: 'Reset' }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        await db.transaction((tx) => users.resetMfa(tx, actor, params.id, { requestId, clientIp }));
        return { status: 204, body: undefined };
      },
    }),
  ];
}

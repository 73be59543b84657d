import type { AccountServices } from '#haven/accounts/account-services.js';
import { tokenBody } from '#haven/accounts/accounts.present.js';
import {
  CreateTokenRequest,
  IdParams,
  TokenCreatedBody,
  TokenList,
} from '#haven/accounts/accounts.schema.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';

/** Your own API tokens. */
export function tokenRoutes(deps: { db: Database; accounts: AccountServices }): RouteSpec[] {
  const { db, accounts } = deps;
  const { tokens } = accounts;
  return [
    defineRoute({
      method: 'GET',
      path: '/tokens',
      operationId: 'listTokens',
      summary: 'Your API tokens (never their secrets)',
      tag: 'tokens',
      access: { permission: 'token.manage' },
      responses: { 200: { description: 'The tokens', schema: TokenList }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        return { body: { tokens: (await tokens.list(db, actor)).map(tokenBody) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/tokens',
      operationId: 'createToken',
      summary: 'Create an API token for yourself, limited to scopes you hold (the secret is shown once)',
      tag: 'tokens',
      access: { permission: 'token.manage' },
      body: CreateTokenRequest,
      responses: { 201: { description: 'Created', schema: TokenCreatedBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        const created = await db.transaction((tx) => tokens.create(tx, actor, body, { requestId, clientIp }));
        return { status: 201, body: { ...tokenBody(created.record), token: created.token } };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/tokens/:id',
      operationId: 'revokeToken',
      summary: 'Revoke one of your API tokens',
      tag: 'tokens',
      access: { permission: 'token.manage' },
      params: IdParams,
      responses: { 204: { description: 'Revoked' }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        await db.transaction((tx) => tokens.revoke(tx, actor, params.id, { requestId, clientIp }));
        return { status: 204, body: undefined };
      },
    }),
  ];
}

import { accountServices } from '#haven/accounts/account-services.js';
import { accountSettings } from '#haven/accounts/account-settings.js';
import { agencyRoutes } from '#haven/accounts/agency.routes.js';
import { authRoutes } from '#haven/accounts/auth.routes.js';
import { tokenRoutes } from '#haven/accounts/token.routes.js';
import { userRoutes } from '#haven/accounts/user.routes.js';
import type { Authenticator } from '#haven/http/authenticator.js';
import type { RouteSpec } from '#haven/http/route.js';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { Database } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';

/** The accounts capability for the HTTP API: how callers are recognised, and its routes. */
export function createAccountsApi(deps: { db: Database; config: Config; secretsKey: Buffer; log: Logger }): {
  authenticator: Authenticator;
  routes: RouteSpec[];
} {
  const { db } = deps;
  const accounts = accountServices(db, accountSettings(deps.config, deps.secretsKey), deps.log);
  return {
    authenticator: accounts.authenticator,
    routes: [
      ...authRoutes({ db, accounts }),
      ...agencyRoutes({ db }),
      ...userRoutes({ db, accounts }),
      ...tokenRoutes({ db, accounts }),
    ],
  };
}

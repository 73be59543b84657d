import { AccountAuthenticator } from '#haven/accounts/account-authenticator.js';
import type { AccountSettings } from '#haven/accounts/account-settings.js';
import { ApiTokenService } from '#haven/accounts/api-token.service.js';
import { MfaService } from '#haven/accounts/mfa.service.js';
import { SessionService } from '#haven/accounts/session.service.js';
import { SignInGuard } from '#haven/accounts/sign-in-guard.js';
import { SignInService } from '#haven/accounts/sign-in.service.js';
import { UserService } from '#haven/accounts/user.service.js';
import type { Database } from '#haven/platform/db/database.js';
import type { Logger } from '#haven/platform/log/logger.js';

/** The accounts capability wired once, for the server, the command line and tests alike. */
export interface AccountServices {
  readonly settings: AccountSettings;
  readonly sessions: SessionService;
  readonly guard: SignInGuard;
  readonly users: UserService;
  readonly signIn: SignInService;
  readonly mfa: MfaService;
  readonly tokens: ApiTokenService;
  readonly authenticator: AccountAuthenticator;
}

export function accountServices(db: Database, settings: AccountSettings, log: Logger): AccountServices {
  const sessions = new SessionService(settings);
  const guard = new SignInGuard(db, settings);
  const users = new UserService(settings, sessions);
  const tokens = new ApiTokenService(settings);
  return {
    settings,
    sessions,
    guard,
    users,
    signIn: new SignInService({ db, settings, sessions, guard, users, log }),
    mfa: new MfaService({ db, settings, sessions, guard }),
    tokens,
    authenticator: new AccountAuthenticator(db, sessions, tokens),
  };
}

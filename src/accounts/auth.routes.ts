import type { AccountServices } from '#haven/accounts/account-services.js';
import {
  EnrolmentBody,
  EnrolmentConfirmedBody,
  EnrolmentConfirmRequest,
  EnrolmentStartRequest,
  LoginRequest,
  PasswordChangeRequest,
  SecondFactorRequest,
  SessionBody,
} from '#haven/accounts/accounts.schema.js';
import { userActor } from '#haven/accounts/account-actor.js';
import { sessionBody, sessionCaller } from '#haven/accounts/accounts.present.js';
import type { SignedIn } from '#haven/accounts/sign-in.service.js';
import { ERROR_RESPONSES, ErrorBody } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteContext, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

const TAG = 'auth';
const ALL_STAGES = ['mfa_required', 'mfa_enrolment', 'active'] as const;

const origin = (context: RouteContext<unknown, unknown, unknown>) => ({
  requestId: context.requestId,
  clientIp: context.clientIp,
  userAgent: context.userAgent,
});

/** Sign-in, second factor, enrolment, session, sign-out and password change. */
export function authRoutes(deps: { db: Database; accounts: AccountServices }): RouteSpec[] {
  const { db, accounts } = deps;

  /** The reply for a session just issued: the cookie, and the body every session route returns. */
  async function issued(signedIn: SignedIn, extra: Record<string, unknown> = {}) {
    const view = await accounts.users.view(db, signedIn.user);
    return {
      headers: { 'set-cookie': accounts.sessions.cookieHeader(signedIn.session.cookie) },
      body: {
        ...sessionBody(signedIn.session.stage, signedIn.session.csrfToken, view, userActor(signedIn.user)),
        ...extra,
      },
    };
  }

  return [
    defineRoute({
      method: 'POST',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Sign in with username and password; sets the session cookie',
      tag: TAG,
      access: { public: true },
      body: LoginRequest,
      responses: {
        200: { description: 'Signed in, possibly still needing the second factor', schema: SessionBody },
        401: { description: 'Wrong username or password (LOGIN_FAILED)', schema: ErrorBody },
        423: { description: 'Account locked (ACCOUNT_LOCKED)', schema: ErrorBody },
        429: {
          description: 'Too many failures from this address (RATE_LIMITED, Retry-After)',
          schema: ErrorBody,
        },
        400: ERROR_RESPONSES[400],
      },
      async handler(context) {
        const { body, caller } = context;
        const signedIn = await accounts.signIn.login(
          {
            username: body.username,
            password: body.password,
            previousSession: caller.via === 'session' ? caller.sessionIdHash : null,
          },
          origin(context),
        );
        return issued(signedIn);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/mfa',
      operationId: 'verifySecondFactor',
      summary: 'Complete sign-in with a TOTP code or a recovery code (which is then used up)',
      tag: TAG,
      access: { signedIn: true, stages: ['mfa_required'] },
      body: SecondFactorRequest,
      responses: {
        ...ERROR_RESPONSES,
        200: { description: 'Signed in (new session cookie and CSRF token)', schema: SessionBody },
        401: {
          description: 'Not signed in, or a wrong, expired or reused code (MFA_INVALID)',
          schema: ErrorBody,
        },
        423: { description: 'Account locked (ACCOUNT_LOCKED)', schema: ErrorBody },
        429: { description: 'Too many failures from this address (RATE_LIMITED)', schema: ErrorBody },
      },
      async handler(context) {
        const signedIn = await accounts.signIn.secondFactor(
          sessionCaller(context.caller),
          context.body,
          origin(context),
        );
        return issued(signedIn);
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/mfa/enrolment',
      operationId: 'startMfaEnrolment',
      summary: 'Start enrolling an authenticator app (replacing one needs a current code from it)',
      tag: TAG,
      access: { signedIn: true, stages: ['mfa_enrolment', 'active'] },
      body: EnrolmentStartRequest,
      responses: {
        200: {
          description: 'The secret to enter or scan; confirm with a code from it',
          schema: EnrolmentBody,
        },
        ...ERROR_RESPONSES,
      },
      async handler(context) {
        return {
          body: await accounts.mfa.start(sessionCaller(context.caller), context.body.code, origin(context)),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/mfa/enrolment/confirm',
      operationId: 'confirmMfaEnrolment',
      summary: 'Confirm the authenticator with a code: turns MFA on and returns recovery codes (once)',
      tag: TAG,
      access: { signedIn: true, stages: ['mfa_enrolment', 'active'] },
      body: EnrolmentConfirmRequest,
      responses: {
        200: { description: 'MFA on; session active under a new cookie', schema: EnrolmentConfirmedBody },
        409: { description: 'No enrolment started', schema: ErrorBody },
        ...ERROR_RESPONSES,
      },
      async handler(context) {
        const confirmed = await accounts.mfa.confirm(
          sessionCaller(context.caller),
          context.body.code,
          origin(context),
        );
        return issued(confirmed, { recoveryCodes: confirmed.recoveryCodes });
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/auth/session',
      operationId: 'getSession',
      summary: 'Who you are, your stage and your CSRF token',
      tag: TAG,
      access: { signedIn: true, stages: ALL_STAGES },
      responses: { 200: { description: 'The session', schema: SessionBody }, ...ERROR_RESPONSES },
      async handler({ caller, actor }) {
        const user = await accounts.users.get(db, actor.userId ?? '');
        if (!user) {
          throw havenError('UNAUTHENTICATED');
        }
        const view = await accounts.users.view(db, user);
        return {
          body: sessionBody(
            caller.sessionStage ?? 'active',
            caller.via === 'session' ? csrfOf(caller) : null,
            view,
            actor,
          ),
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/logout',
      operationId: 'logout',
      summary: 'End this session',
      tag: TAG,
      access: { signedIn: true, stages: ALL_STAGES },
      responses: { 204: { description: 'Signed out; the cookie is cleared' }, ...ERROR_RESPONSES },
      async handler(context) {
        await accounts.signIn.logout(sessionCaller(context.caller), {
          requestId: context.requestId,
          clientIp: context.clientIp,
        });
        return {
          status: 204,
          body: undefined,
          headers: { 'set-cookie': accounts.sessions.clearCookieHeader() },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/auth/password',
      operationId: 'changePassword',
      summary: 'Change your password (your other sessions end)',
      tag: TAG,
      access: { signedIn: true },
      body: PasswordChangeRequest,
      responses: {
        ...ERROR_RESPONSES,
        204: { description: 'Changed' },
        403: {
          description: 'Current password wrong (PASSWORD_INCORRECT), or not allowed',
          schema: ErrorBody,
        },
      },
      async handler(context) {
        await accounts.signIn.changePassword(sessionCaller(context.caller), context.body, origin(context));
        return { status: 204, body: undefined };
      },
    }),
  ];
}

/** register-routes hands routes the whole Authentication, which carries the session's CSRF token. */
function csrfOf(caller: object): string | null {
  return 'csrfToken' in caller && typeof caller.csrfToken === 'string' ? caller.csrfToken : null;
}

import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { systemActor } from '#haven/access/actor.js';
import type { Permission, Role } from '#haven/access/permissions.js';
import { accountServices, type AccountServices } from '#haven/accounts/account-services.js';
import { accountSettings } from '#haven/accounts/account-settings.js';
import type {
  EnrolmentBody,
  EnrolmentConfirmedBody,
  SessionBody,
  TokenCreatedBody,
} from '#haven/accounts/accounts.schema.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import type { Agency, AgencyType } from '#haven/accounts/agency.types.js';
import { base32Decode } from '#haven/accounts/base32.js';
import { totpCode as rawTotpCode, totpStep } from '#haven/accounts/totp.js';
import type { Haven } from '#haven/app/haven.js';
import { silentLogger } from '#haven/platform/log/logger.js';

/**
 * A small HTTP client for API tests: a cookie jar, the CSRF token of the session sent back on every
 * non-GET request, optional bearer token; plus helpers that seed agencies and users through the
 * accounts services and sign users in (MFA enrolment or second factor included).
 */

export type Session = z.infer<typeof SessionBody>;
export type TokenCreated = z.infer<typeof TokenCreatedBody>;
export type JsonObject = Record<string, unknown>;

export interface ApiResponse<T = JsonObject> {
  readonly status: number;
  readonly headers: Headers;
  /** Parsed JSON body (undefined when empty or not JSON). */
  readonly body: T;
  readonly text: string;
  /** Raw Set-Cookie header values of this response. */
  readonly setCookies: readonly string[];
}

export interface RequestOptions {
  /** JSON body; omitted means no body and no Content-Type. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** X-CSRF-Token to send: default the session's; null sends none (to test CSRF refusals). */
  readonly csrf?: string | null;
}

export class ApiClient {
  readonly baseUrl: string;
  /** Cookie jar: name -> value. */
  readonly cookies = new Map<string, string>();
  /** Taken from any response body with a `csrfToken` string (login, MFA, session routes). */
  csrfToken: string | null = null;
  readonly #bearer: string | undefined;

  constructor(baseUrl: string, options: { bearer?: string } = {}) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.#bearer = options.bearer;
  }

  /** `path` under /api/v1 (e.g. '/users'), or a full path starting with /api/ or /. */
  async request<T = JsonObject>(
    method: string,
    path: string,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> {
    const url = `${this.baseUrl}${path.startsWith('/api/') || path.startsWith('/healthz') ? path : `/api/v1${path}`}`;
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) {
      headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    if (this.#bearer !== undefined) {
      headers.authorization = `Bearer ${this.#bearer}`;
    }
    const csrf = options.csrf === undefined ? this.csrfToken : options.csrf;
    if (csrf !== null && !['GET', 'HEAD'].includes(method)) {
      headers['x-csrf-token'] = csrf;
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    });
    const text = await response.text();
    const setCookies = response.headers.getSetCookie();
    this.#store(setCookies);
    let body: unknown = undefined;
    if (text.length > 0 && (response.headers.get('content-type') ?? '').includes('json')) {
      body = JSON.parse(text);
      const token = (body as JsonObject).csrfToken;
      if (typeof token === 'string') {
        this.csrfToken = token;
      }
    }
    return { status: response.status, headers: response.headers, body: body as T, text, setCookies };
  }

  get<T = JsonObject>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('GET', path, options);
  }

  post<T = JsonObject>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T = JsonObject>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  put<T = JsonObject>(path: string, body?: unknown, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = JsonObject>(path: string, options?: RequestOptions): Promise<ApiResponse<T>> {
    return this.request<T>('DELETE', path, options);
  }

  #store(setCookies: readonly string[]): void {
    for (const header of setCookies) {
      const [pair = '', ...attributes] = header.split(';');
      const at = pair.indexOf('=');
      if (at <= 0) {
        continue;
      }
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attributes.some((attribute) => /^\s*max-age\s*=\s*0\s*$/i.test(attribute));
      if (value === '' || expired) {
        this.cookies.delete(name);
      } else {
        this.cookies.set(name, value);
      }
    }
  }
}

/** A client that authenticates with an API token only (no cookies, no CSRF). */
export function bearer(baseUrl: string, token: string): ApiClient {
  return new ApiClient(baseUrl, { bearer: token });
}

/** The error code of a failed response ('' if none). */
export function errorCode(response: ApiResponse<unknown>): string {
  const body = response.body as { error?: { code?: string } } | undefined;
  return body?.error?.code ?? '';
}

// --- Seeding through the accounts services (no HTTP, no CLI) ---

const services = new WeakMap<Haven, AccountServices>();

/** The accounts services of an opened Haven (the same wiring the server uses). */
export function accountsOf(haven: Haven): AccountServices {
  let found = services.get(haven);
  if (!found) {
    found = accountServices(haven.db, accountSettings(haven.config, haven.secretsKey), silentLogger);
    services.set(haven, found);
  }
  return found;
}

const unique = (): string => randomBytes(5).toString('hex');

export async function seedAgency(
  haven: Haven,
  agency: { name?: string; country?: string; type?: AgencyType; contact?: string } = {},
): Promise<Agency> {
  return agencyService.create(haven.db, {
    name: agency.name ?? `Agency ${unique()}`,
    country: agency.country ?? 'NL',
    type: agency.type ?? 'national_police',
    contact: agency.contact ?? null,
  });
}

/** A user as tests know it: their password, and their authenticator once signIn has enrolled one. */
export interface SeededUser {
  readonly id: string;
  readonly username: string;
  password: string;
  readonly agencyId: string;
  readonly roles: readonly Role[];
  /** Base32 TOTP secret, set by signIn when it enrols the user. */
  totpSecret?: string;
  /** Recovery codes received at enrolment. */
  recoveryCodes?: string[];
  /** Last TOTP time step used, so the next code is never a replay. */
  lastStep: number;
}

/** Creates a user (audited as the system) with a random strong password unless one is given. */
export async function seedUser(
  haven: Haven,
  user: {
    agencyId: string;
    roles: readonly Role[];
    username?: string;
    password?: string;
    displayName?: string;
  },
): Promise<SeededUser> {
  const accounts = accountsOf(haven);
  const username = user.username ?? `user-${unique()}`;
  const password = user.password ?? `Pw-${randomBytes(12).toString('base64url')}-x9`;
  const prepared = await accounts.users.preparePassword(password, username);
  const created = await haven.db.transaction((tx) =>
    accounts.users.create(
      tx,
      systemActor('test'),
      {
        username,
        displayName: user.displayName ?? `Test ${username}`,
        agencyId: user.agencyId,
        roles: user.roles,
        password: prepared,
      },
      {},
    ),
  );
  return {
    id: created.id,
    username,
    password,
    agencyId: created.agencyId,
    roles: created.roles,
    lastStep: 0,
  };
}

/** The code an authenticator with this base32 secret shows at `atMs`. */
export function totpCode(secretBase32: string, atMs: number): string {
  const secret = base32Decode(secretBase32);
  if (!secret) {
    throw new Error('Not a base32 secret');
  }
  return rawTotpCode(secret, atMs);
}

/**
 * A code the server will accept now for this user: the current step, or the next one when the
 * current one was used already (the server accepts one step ahead). Waits for the clock only when
 * even that one was used (a third code within one 30-second step).
 */
export async function nextTotpCode(user: SeededUser): Promise<string> {
  if (!user.totpSecret) {
    throw new Error(`${user.username} has no authenticator yet`);
  }
  for (;;) {
    const now = Date.now();
    const step = Math.max(totpStep(now), user.lastStep + 1);
    if (step <= totpStep(now) + 1) {
      user.lastStep = step;
      return totpCode(user.totpSecret, step * 30_000);
    }
    await new Promise((resolve) => setTimeout(resolve, step * 30_000 - 30_000 - now + 50));
  }
}

/** Asserts a response's status, with its body in the message when it differs. */
export function expectStatus<T>(response: ApiResponse<T>, status: number): ApiResponse<T> {
  if (response.status !== status) {
    throw new Error(`Expected HTTP ${status}, got ${response.status}: ${response.text}`);
  }
  return response;
}

/**
 * Signs a user in on `client` all the way to an active session: password, then the second factor,
 * or enrolment of an authenticator first (its secret and recovery codes are kept on `user`).
 */
export async function signIn(client: ApiClient, user: SeededUser): Promise<Session> {
  const login = expectStatus(
    await client.post<Session>('/auth/login', { username: user.username, password: user.password }),
    200,
  );
  let session = login.body;
  if (session.stage === 'mfa_enrolment') {
    const enrolment = expectStatus(
      await client.post<z.infer<typeof EnrolmentBody>>('/auth/mfa/enrolment'),
      200,
    );
    user.totpSecret = enrolment.body.secret;
    user.lastStep = 0;
    const confirmed = expectStatus(
      await client.post<z.infer<typeof EnrolmentConfirmedBody>>('/auth/mfa/enrolment/confirm', {
        code: await nextTotpCode(user),
      }),
      200,
    );
    user.recoveryCodes = confirmed.body.recoveryCodes;
    session = confirmed.body;
  } else if (session.stage === 'mfa_required') {
    session = expectStatus(
      await client.post<Session>('/auth/mfa', { code: await nextTotpCode(user) }),
      200,
    ).body;
  }
  if (session.stage !== 'active') {
    throw new Error(`${user.username} ended in stage ${session.stage}`);
  }
  return session;
}

/** A new client signed in as `user`. */
export async function signedInClient(baseUrl: string, user: SeededUser): Promise<ApiClient> {
  const client = new ApiClient(baseUrl);
  await signIn(client, user);
  return client;
}

/** Creates an API token through the API for the client's user; returns the secret. */
export async function createToken(
  client: ApiClient,
  request: { scopes: readonly Permission[]; name?: string; expiresInDays?: number },
): Promise<string> {
  const created = expectStatus(
    await client.post<TokenCreated>('/tokens', {
      name: request.name ?? `token ${unique()}`,
      scopes: request.scopes,
      expiresInDays: request.expiresInDays ?? 30,
    }),
    201,
  );
  return created.body.token;
}

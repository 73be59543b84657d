import type { components, paths } from './openapi.gen';

/** Every named payload of the API, by its OpenAPI (zod meta) name. */
export type Schemas = components['schemas'];

export const API_PREFIX = '/api/v1';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Operation<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;

/** The paths that answer a method: `'get'` gives every readable path, and so on. */
export type PathsWith<M extends Method> = {
  [P in keyof paths]: [NonNullable<paths[P][M]>] extends [never] ? never : P;
}[keyof paths];

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : undefined;
type Responses<O> = O extends { responses: infer R } ? R : never;
/** The JSON of an operation's success reply (200, 201 or 202). */
export type Success<O> =
  Responses<O> extends infer R
    ? 200 extends keyof R
      ? JsonOf<R[200]>
      : 201 extends keyof R
        ? JsonOf<R[201]>
        : 202 extends keyof R
          ? JsonOf<R[202]>
          : undefined
    : never;

type BodyOf<O> = O extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;
type ParamsOf<O, Where extends 'path' | 'query'> = O extends { parameters: infer X }
  ? X extends { [K in Where]?: infer V }
    ? V
    : never
  : never;

export interface RequestOptions<O> {
  readonly path?: ParamsOf<O, 'path'>;
  readonly query?: ParamsOf<O, 'query'>;
  readonly body?: BodyOf<O>;
}

/** An error reply of the API: `{"error":{"code","message","requestId"}}`, or a network failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is gone: the app goes back to the sign-in page. */
  get signedOut(): boolean {
    return this.code === 'UNAUTHENTICATED' || this.code === 'SESSION_EXPIRED';
  }
}

/** `/api/v1/cases/{id}` with `{ id }` filled in (each value URL-encoded) and a query string. */
export function apiUrl(path: string, params?: object, query?: object): string {
  const values = (params ?? {}) as Record<string, unknown>;
  const filled = path.replace(/\{(\w+)\}/g, (_whole, name: string) => {
    const value = values[name];
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new Error(`missing path parameter ${name} for ${path}`);
    }
    return encodeURIComponent(String(value));
  });
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      search.set(key, String(value));
    }
  }
  const text = search.toString();
  return text ? `${filled}?${text}` : filled;
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let code = `HTTP_${response.status}`;
  let message = response.statusText || 'Request failed';
  let requestId: string | null = response.headers.get('x-request-id');
  try {
    const body = (await response.json()) as {
      error?: { code?: string; message?: string; requestId?: string };
    };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
    requestId = body.error?.requestId ?? requestId;
  } catch {
    // Not JSON (a proxy's page): keep the status line.
  }
  return new ApiError(response.status, code, message, requestId);
}

type SignedOutListener = () => void;

/**
 * The typed API client. Paths, parameters, bodies and replies are checked against the types
 * generated from docs/openapi.json. Cookie sessions send their CSRF token on every write.
 */
export class ApiClient {
  #csrfToken: string | null = null;
  readonly #signedOutListeners = new Set<SignedOutListener>();

  setCsrfToken(token: string | null): void {
    this.#csrfToken = token;
  }

  get csrfToken(): string | null {
    return this.#csrfToken;
  }

  /** Called when any request finds the session gone (expired, signed out elsewhere). */
  onSignedOut(listener: SignedOutListener): () => void {
    this.#signedOutListeners.add(listener);
    return () => this.#signedOutListeners.delete(listener);
  }

  get<P extends PathsWith<'get'>>(
    path: P,
    options: RequestOptions<Operation<P, 'get'>> = {},
  ): Promise<Success<Operation<P, 'get'>>> {
    return this.#send('GET', path, options);
  }

  post<P extends PathsWith<'post'>>(
    path: P,
    options: RequestOptions<Operation<P, 'post'>> = {},
  ): Promise<Success<Operation<P, 'post'>>> {
    return this.#send('POST', path, options);
  }

  /** A multipart upload (a picture sent for one search); answers and fails like the JSON calls. */
  postForm<P extends PathsWith<'post'>>(
    path: P,
    form: FormData,
    options: Omit<RequestOptions<Operation<P, 'post'>>, 'body'> = {},
  ): Promise<Success<Operation<P, 'post'>>> {
    return this.#send('POST', path, { ...options, form });
  }

  put<P extends PathsWith<'put'>>(
    path: P,
    options: RequestOptions<Operation<P, 'put'>> = {},
  ): Promise<Success<Operation<P, 'put'>>> {
    return this.#send('PUT', path, options);
  }

  patch<P extends PathsWith<'patch'>>(
    path: P,
    options: RequestOptions<Operation<P, 'patch'>> = {},
  ): Promise<Success<Operation<P, 'patch'>>> {
    return this.#send('PATCH', path, options);
  }

  delete<P extends PathsWith<'delete'>>(
    path: P,
    options: RequestOptions<Operation<P, 'delete'>> = {},
  ): Promise<Success<Operation<P, 'delete'>>> {
    return this.#send('DELETE', path, options);
  }

  /** Headers of a write in this session (uploads made outside this client use them too). */
  writeHeaders(): Record<string, string> {
    return this.#csrfToken ? { 'x-csrf-token': this.#csrfToken } : {};
  }

  /** Lets the session listeners know a request found the session gone. */
  noteFailure(error: unknown): void {
    if (error instanceof ApiError && error.signedOut) {
      for (const listener of this.#signedOutListeners) {
        listener();
      }
    }
  }

  async #send<T>(
    method: string,
    path: string,
    options: { path?: object; query?: object; body?: unknown; form?: FormData },
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') {
      Object.assign(headers, this.writeHeaders());
    }
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(apiUrl(path, options.path, options.query), {
        method,
        headers,
        credentials: 'same-origin',
        body: options.form ?? (options.body === undefined ? null : JSON.stringify(options.body)),
      });
    } catch {
      throw new ApiError(
        0,
        'NETWORK',
        'The server cannot be reached. Check the connection and try again.',
        null,
      );
    }
    if (!response.ok) {
      const error = await errorFrom(response);
      this.noteFailure(error);
      throw error;
    }
    if (response.status === 204 || response.headers.get('content-length') === '0') {
      return undefined as T;
    }
    return (await response.json()) as T;
  }
}

export const api = new ApiClient();

import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import type { Permission } from '#haven/access/permissions.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route. `public`: anyone. `signed-in`: any session (also one still waiting for its
 * second factor, when `stages` allows it). A permission: an active session or token holding it.
 */
export type RouteAccess =
  | { readonly public: true }
  | { readonly signedIn: true; readonly stages?: readonly SessionStage[] }
  | { readonly permission: Permission }
  /** Provider organisations' API keys (a credential of their own, checked by the handler). */
  | { readonly providerKey: true };

export type SessionStage = 'mfa_required' | 'mfa_enrolment' | 'active';

/** The caller as the route sees it. */
export interface Caller {
  readonly actor: Actor | null;
  readonly via: 'session' | 'token' | null;
  readonly sessionStage: SessionStage | null;
  /** Hash of the session cookie, to end or upgrade the session. */
  readonly sessionIdHash: Buffer | null;
}

export interface RouteContext<P, Q, B> {
  readonly params: P;
  readonly query: Q;
  readonly body: B;
  readonly caller: Caller;
  /** The signed-in actor; routes with a permission always have one. */
  readonly actor: Actor;
  readonly requestId: string;
  readonly clientIp: string;
  readonly userAgent: string | null;
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
}

/** A JSON reply, or `sent` when the handler streamed its own reply. */
export type RouteResult =
  | { readonly status?: number; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly sent: true };

export interface ResponseSpec {
  readonly description: string;
  readonly schema?: z.ZodType;
  /** Non-JSON responses (images, files). */
  readonly contentType?: string;
}

export interface RouteSpec<P = unknown, Q = unknown, B = unknown> {
  readonly method: HttpMethod;
  /** Path under /api/v1 in Fastify syntax, e.g. /cases/:reference. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly access: RouteAccess;
  readonly params?: z.ZodType<P>;
  readonly query?: z.ZodType<Q>;
  /** JSON body schema; absent for bodiless or multipart routes. */
  readonly body?: z.ZodType<B>;
  /** The handler reads a multipart body itself (streaming uploads). */
  readonly multipart?: { readonly description: string };
  readonly responses: Readonly<Record<number, ResponseSpec>>;
  handler(context: RouteContext<P, Q, B>): Promise<RouteResult>;
}

/** Declares a route with its parameter, query and body types inferred from the schemas. */
export function defineRoute<P = undefined, Q = undefined, B = undefined>(
  spec: RouteSpec<P, Q, B>,
): RouteSpec {
  return spec;
}

import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { can } from '#haven/access/actor.js';
import type { Authenticator, Authentication } from '#haven/http/authenticator.js';
import { CSRF_HEADER, SESSION_COOKIE } from '#haven/http/authenticator.js';
import { describeIssues } from '#haven/http/error-reply.js';
import type { RouteContext, RouteSpec, SessionStage } from '#haven/http/route.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

export const API_PREFIX = '/api/v1';

declare module 'fastify' {
  interface FastifyRequest {
    havenRequestId: string;
    havenActor: string | null;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const REQUEST_ID = /^[A-Za-z0-9._-]{8,64}$/;

/** Mounts route specs on Fastify: authentication, access, CSRF and validation, then the handler. */
export function registerRoutes(
  app: FastifyInstance,
  routes: readonly RouteSpec[],
  authenticator: Authenticator,
): void {
  app.addHook('onRequest', (request, _reply, done) => {
    const offered = request.headers['x-request-id'];
    request.havenRequestId = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    request.havenActor = null;
    done();
  });
  for (const route of routes) {
    app.route({
      method: route.method,
      url: `${API_PREFIX}${route.path}`,
      handler: async (request, reply) => {
        const caller = await authenticator.authenticate({
          sessionCookie: cookieValue(request.headers.cookie, SESSION_COOKIE),
          authorization: request.headers.authorization,
          clientIp: request.ip,
        });
        request.havenActor = caller.actor?.name ?? null;
        checkAccess(route, caller, request);
        const context: RouteContext<unknown, unknown, unknown> = {
          params: parse(route.params, request.params, 'path'),
          query: parse(route.query, request.query, 'query'),
          body: route.body ? parse(route.body, request.body, 'body') : undefined,
          caller,
          // Routes that need an actor are only reached with one (checkAccess).
          actor: caller.actor!,
          requestId: request.havenRequestId,
          clientIp: request.ip,
          userAgent: request.headers['user-agent'] ?? null,
          request,
          reply,
        };
        const result = await route.handler(context);
        return send(reply, result);
      },
    });
  }
}

function checkAccess(route: RouteSpec, caller: Authentication, request: FastifyRequest): void {
  const { access } = route;
  if ('public' in access || 'providerKey' in access) {
    return;
  }
  if (!caller.actor) {
    throw havenError(caller.expired ? 'SESSION_EXPIRED' : 'UNAUTHENTICATED');
  }
  const allowedStages: readonly SessionStage[] =
    'signedIn' in access ? (access.stages ?? ['active']) : ['active'];
  if (caller.via === 'session' && !allowedStages.includes(caller.sessionStage ?? 'active')) {
    throw havenError('MFA_REQUIRED', { stage: caller.sessionStage ?? 'unknown' });
  }
  if ('permission' in access && !can(caller.actor, access.permission)) {
    throw havenError('FORBIDDEN', { permission: access.permission });
  }
  if (caller.via === 'session' && !SAFE_METHODS.has(request.method)) {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string' || !caller.csrfToken || !sameText(sent, caller.csrfToken)) {
      throw havenError('CSRF_FAILED');
    }
  }
}

function parse<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) {
    return undefined as T;
  }
  const result = schema.safeParse(value ?? {});
  if (!result.success) {
    throw havenError('VALIDATION_FAILED', { issues: `${where}: ${describeIssues(result.error)}` });
  }
  return result.data;
}

function send(
  reply: FastifyReply,
  result: Awaited<ReturnType<RouteSpec['handler']>>,
): FastifyReply | undefined {
  if ('sent' in result) {
    return reply;
  }
  for (const [name, value] of Object.entries(result.headers ?? {})) {
    reply.header(name, value);
  }
  reply.code(result.status ?? 200);
  if (result.body === undefined) {
    return reply.send();
  }
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(result.body));
}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) {
    return undefined;
  }
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) {
      return part.slice(at + 1).trim();
    }
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

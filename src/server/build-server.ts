import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Haven } from '#haven/app/haven.js';
import { HAVEN_VERSION } from '#haven/app/version.js';
import type { Authenticator } from '#haven/http/authenticator.js';
import { toHavenError } from '#haven/http/error-reply.js';
import { openApiDocument } from '#haven/http/openapi.js';
import { API_PREFIX, registerRoutes } from '#haven/http/register-routes.js';
import type { RouteSpec } from '#haven/http/route.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { Readiness } from '#haven/server/readiness.js';
import { serveWebApp, WEB_APP_CSP } from '#haven/web-app/serve-web-app.js';
import { defaultWebAppDir, StaticSite } from '#haven/web-app/static-site.js';

export interface ServerParts {
  readonly haven: Haven;
  readonly authenticator: Authenticator;
  readonly routes: readonly RouteSpec[];
  readonly readiness: Readiness;
}

/** The HTTP application: API routes, OpenAPI, health, one error format, security headers, logs. */
export async function buildServer(parts: ServerParts): Promise<FastifyInstance> {
  const { haven } = parts;
  const { server } = haven.config;
  const app = Fastify({
    logger: false,
    bodyLimit: server.jsonBodyLimit,
    trustProxy: server.trustProxy,
    // A client silent for this long is dropped: slow-client (slowloris) guard.
    connectionTimeout: server.idleTimeoutSeconds * 1000,
    // Idle keep-alive connections live as long as a silent client may: a reverse proxy or client
    // that reuses one after a pause (a few seconds of other work) must not meet a socket the
    // server has just closed (ECONNRESET on a request that never arrived).
    keepAliveTimeout: server.idleTimeoutSeconds * 1000,
    forceCloseConnections: true,
    // Multipart uploads are not buffered: only JSON bodies go through the body limit.
    return503OnClosing: true,
  });
  // The API speaks JSON (and multipart for uploads): anything else is refused with 415.
  app.removeContentTypeParser('text/plain');
  await app.register(multipart, {
    // Keep folder paths clients send (folder uploads); ingest makes them safe to show.
    preservePath: true,
    limits: {
      fileSize: server.uploadFileLimit,
      files: server.uploadFilesPerRequest,
      fields: 20,
      fieldSize: 64 * 1024,
      parts: server.uploadFilesPerRequest + 20,
      headerPairs: 200,
    },
  });

  app.addHook('onSend', (request, reply, payload, done) => {
    reply.header('x-request-id', request.havenRequestId);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    if (request.url.startsWith(API_PREFIX)) {
      reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    } else {
      reply.header('content-security-policy', WEB_APP_CSP);
      reply.header('cross-origin-opener-policy', 'same-origin');
      reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()');
    }
    done(null, payload);
  });

  app.addHook('onResponse', (request, reply, done) => {
    haven.log.info('request', {
      requestId: request.havenRequestId,
      method: request.method,
      path: request.routeOptions.url ?? request.url.split('?')[0],
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
      actor: request.havenActor,
      ip: request.ip,
    });
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { error: havenFailure, unexpected } = toHavenError(error, server.jsonBodyLimit);
    if (unexpected) {
      haven.log.error('unexpected error', {
        requestId: request.havenRequestId,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
    }
    if (havenFailure.code === 'RATE_LIMITED' && typeof havenFailure.details.retryAfter === 'number') {
      void reply.header('retry-after', String(havenFailure.details.retryAfter));
    }
    void reply
      .code(havenFailure.status)
      .type('application/json; charset=utf-8')
      .send(
        JSON.stringify({
          error: {
            code: havenFailure.code,
            message: havenFailure.message,
            requestId: request.havenRequestId,
          },
        }),
      );
  });
  app.setNotFoundHandler((request) => {
    throw havenError('NOT_FOUND', { path: request.url });
  });

  // The document is built once from the route schemas.
  const document = openApiDocument(parts.routes, HAVEN_VERSION);
  app.get(`${API_PREFIX}/openapi.json`, (_request, reply) => {
    void reply.type('application/json; charset=utf-8').send(JSON.stringify(document));
  });
  app.get('/healthz', (_request, reply) => {
    void reply.send({ status: 'ok' });
  });
  app.get('/readyz', async (_request, reply) => {
    const state = await parts.readiness.check();
    return reply.code(state.ready ? 200 : 503).send(state);
  });

  registerRoutes(app, parts.routes, parts.authenticator);
  serveWebApp(app, new StaticSite(haven.config.webApp.dir ?? defaultWebAppDir()), API_PREFIX);
  return app;
}

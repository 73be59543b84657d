import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from '#haven/platform/config/config.schema.js';
import type { Logger } from '#haven/platform/log/logger.js';
import { AbuseGuard } from '#haven/portal/abuse-guard.js';
import {
  PUBLIC_ID,
  TIP_LIMITS,
  type PortalLanguage,
  type PublishedAppeal,
} from '#haven/portal/exchange/portal-exchange.js';
import { PortalFolder } from '#haven/portal/exchange/portal-folder.js';
import { tipFingerprint } from '#haven/portal/exchange/tip-fingerprint.js';
import { FormTokens } from '#haven/portal/form-token.js';
import { format, isLanguage, languageFromHeader, MESSAGES } from '#haven/portal/i18n/messages.js';
import { POW_SCRIPT, PORTAL_CSS } from '#haven/portal/portal-html.js';
import { pageNumber } from '#haven/portal/gallery-pages.js';
import {
  appealPage,
  galleryPage,
  messagePage,
  privacyPage,
  statisticsPage,
  type GalleryFilter,
} from '#haven/portal/portal-pages.js';

/** A tip form body is small; anything bigger is refused before it is parsed. */
export const PORTAL_BODY_LIMIT = 16 * 1024;

const CSP =
  "default-src 'none'; img-src 'self'; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

const TIP_FIELDS = ['body', 'country', 'city', 'seenWhere', 'seenWhen', 'contact'] as const;

/**
 * The public portal: its own Fastify instance with only public pages, the published copies and a
 * write-only tip intake. It holds no database, no evidence key and registers none of the API's
 * routes, so a compromise of this process reaches nothing internal. Every reply is `no-store`:
 * an unpublished appeal is gone from the next request, in browsers and proxies alike.
 */
export async function buildPortalServer(config: Config, log: Logger): Promise<FastifyInstance> {
  const folder = await new PortalFolder(config.portal.dir).init();
  const tokens = new FormTokens({
    minSeconds: config.portal.minFormSeconds,
    maxAgeSeconds: 2 * 3600,
    powBits: config.portal.powBits,
  });
  const guard = new AbuseGuard({ perHour: config.portal.tipsPerHour });
  const app = Fastify({
    logger: false,
    bodyLimit: PORTAL_BODY_LIMIT,
    trustProxy: config.server.trustProxy,
    connectionTimeout: config.server.idleTimeoutSeconds * 1000,
    keepAliveTimeout: 5_000,
    forceCloseConnections: true,
    return503OnClosing: true,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: PORTAL_BODY_LIMIT },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );

  app.addHook('onSend', (_request, reply, payload, done) => {
    reply.header('cache-control', 'no-store');
    reply.header('content-security-policy', CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), interest-cohort=()');
    done(null, payload);
  });
  app.addHook('onResponse', (request, reply, done) => {
    // No client address in the log: the public's privacy notice promises only a short-lived use.
    log.info('portal request', {
      method: request.method,
      path: request.routeOptions.url ?? 'unmatched',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    });
    done();
  });

  const html = (reply: FastifyReply, status: number, body: string): FastifyReply =>
    reply.code(status).type('text/html; charset=utf-8').send(body);
  const langOf = (value: string): PortalLanguage | undefined => (isLanguage(value) ? value : undefined);
  const notFound = (reply: FastifyReply, lang: PortalLanguage = 'en'): FastifyReply =>
    html(
      reply,
      404,
      messagePage(lang, '/', MESSAGES[lang].notFound, {
        href: `/${lang}/`,
        label: MESSAGES[lang].backToAppeals,
      }),
    );

  app.setErrorHandler((error, request, reply) => {
    const lang = languageFromHeader(request.headers['accept-language']);
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 413) {
      return html(
        reply,
        413,
        messagePage(lang, '/', MESSAGES[lang].tipTooLarge, {
          href: `/${lang}/`,
          label: MESSAGES[lang].backToAppeals,
        }),
      );
    }
    if (status >= 500) {
      log.error('portal error', { error: error instanceof Error ? error.message : String(error) });
    }
    return html(
      reply,
      status >= 400 && status < 600 ? status : 500,
      messagePage(lang, '/', 'Error', { href: `/${lang}/`, label: MESSAGES[lang].backToAppeals }),
    );
  });
  app.setNotFoundHandler((request, reply) =>
    notFound(reply, languageFromHeader(request.headers['accept-language'])),
  );

  app.get('/healthz', (_request, reply) => reply.type('application/json').send('{"status":"ok"}'));
  app.get('/portal.css', (_request, reply) => reply.type('text/css; charset=utf-8').send(PORTAL_CSS));
  app.get('/pow.js', (_request, reply) => reply.type('text/javascript; charset=utf-8').send(POW_SCRIPT));
  app.get('/', (request, reply) =>
    reply
      .code(303)
      .header('vary', 'accept-language')
      .redirect(`/${languageFromHeader(request.headers['accept-language'])}/`, 303),
  );

  app.get<{ Params: { file: string } }>('/images/:file', async (request, reply) => {
    const match = /^([a-z0-9]{16})\.jpg$/.exec(request.params.file);
    const image = match ? await folder.liveImage(match[1]!) : undefined;
    if (!image) {
      return notFound(reply);
    }
    return reply.type('image/jpeg').send(image);
  });

  app.get<{ Params: { lang: string }; Querystring: Record<string, string | undefined> }>(
    '/:lang/',
    async (request, reply) => {
      const lang = langOf(request.params.lang);
      if (!lang) {
        return notFound(reply);
      }
      const query = request.query;
      const filter: GalleryFilter = {
        type: typeof query.type === 'string' ? query.type.slice(0, 40) : '',
        country: typeof query.country === 'string' ? query.country.slice(0, 100) : '',
        sort: query.sort === 'oldest' ? 'oldest' : 'newest',
        page: pageNumber(query.page),
      };
      return html(reply, 200, galleryPage(lang, await folder.liveAppeals(), filter));
    },
  );

  const liveAppeal = async (
    lang: string,
    id: string,
  ): Promise<[PortalLanguage, PublishedAppeal] | undefined> => {
    const language = langOf(lang);
    const appeal = language && PUBLIC_ID.test(id) ? await folder.liveAppeal(id) : undefined;
    return language && appeal ? [language, appeal] : undefined;
  };

  app.get<{ Params: { lang: string; id: string } }>('/:lang/appeals/:id', async (request, reply) => {
    const found = await liveAppeal(request.params.lang, request.params.id);
    if (!found) {
      return notFound(reply, langOf(request.params.lang));
    }
    const [lang, appeal] = found;
    return html(
      reply,
      200,
      appealPage(lang, appeal, { token: tokens.issue(appeal.publicId), powBits: tokens.powBits, values: {} }),
    );
  });

  app.post<{ Params: { lang: string; id: string }; Body: Record<string, unknown> | undefined }>(
    '/:lang/appeals/:id/tips',
    async (request, reply) => {
      const language = langOf(request.params.lang) ?? 'en';
      const t = MESSAGES[language];
      if (!guard.allow(request.ip)) {
        return html(
          reply.header('retry-after', '3600'),
          429,
          messagePage(language, '/', t.tipRateLimited, { href: `/${language}/`, label: t.backToAppeals }),
        );
      }
      const found = await liveAppeal(request.params.lang, request.params.id);
      if (!found) {
        return notFound(reply, language);
      }
      const [lang, appeal] = found;
      const form = request.body ?? {};
      const text = (name: string): string => (typeof form[name] === 'string' ? form[name] : '');
      const values = Object.fromEntries(TIP_FIELDS.map((name) => [name, text(name).trim()])) as Record<
        (typeof TIP_FIELDS)[number],
        string
      >;
      const back = { href: `/${lang}/appeals/${appeal.publicId}`, label: t.backToAppeal };
      const here = `/appeals/${appeal.publicId}`;
      if (text('website') !== '') {
        // The honeypot: thank the bot as if it worked, keep nothing.
        return html(reply, 200, messagePage(lang, here, t.tipThanks, back));
      }
      const again = (status: number, message: string): FastifyReply =>
        html(
          reply,
          status,
          appealPage(lang, appeal, {
            token: tokens.issue(appeal.publicId),
            powBits: tokens.powBits,
            values,
            message: { kind: 'error', text: message },
          }),
        );
      const tooLong = TIP_FIELDS.some((name) => values[name].length > TIP_LIMITS[name]);
      if (values.body === '' || tooLong) {
        return again(400, format(t.tipInvalid, { max: TIP_LIMITS.body }));
      }
      const verdict = tokens.check(text('token'), appeal.publicId, text('pow'));
      if (verdict !== 'ok') {
        return again(400, t.tipTooFast);
      }
      const fingerprint = tipFingerprint(appeal.publicId, values.body);
      if (guard.repeated(fingerprint)) {
        return html(reply, 200, messagePage(lang, here, t.tipDuplicate, back));
      }
      await folder.dropTip({
        id: randomUUID(),
        appealPublicId: appeal.publicId,
        language: lang,
        ...values,
        fingerprint,
        receivedAt: new Date().toISOString(),
      });
      return html(reply, 200, messagePage(lang, here, t.tipThanks, back));
    },
  );

  app.get<{ Params: { lang: string } }>('/:lang/statistics', async (request, reply) => {
    const lang = langOf(request.params.lang);
    return lang ? html(reply, 200, statisticsPage(lang, await folder.figures())) : notFound(reply);
  });
  app.get<{ Params: { lang: string } }>('/:lang/privacy', async (request, reply) => {
    const lang = langOf(request.params.lang);
    return lang ? html(reply, 200, privacyPage(lang)) : notFound(reply);
  });
  return app;
}

export interface RunningPortal {
  readonly app: FastifyInstance;
  readonly url: string;
  close(): Promise<void>;
}

export async function startPortal(
  config: Config,
  log: Logger,
  options: { port?: number; listen?: string } = {},
): Promise<RunningPortal> {
  const app = await buildPortalServer(config, log);
  const url = await app.listen({
    port: options.port ?? config.portal.port,
    host: options.listen ?? config.server.listen,
  });
  log.info(`Haven public portal listening on ${url}`, { portalDir: config.portal.dir });
  return { app, url, close: () => app.close() };
}

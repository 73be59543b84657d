import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { SiteFile, StaticSite } from '#haven/web-app/static-site.js';

/**
 * The policy of the app's pages: its own scripts and styles only (no inline code), images and
 * video from the API or blobs it made, and no framing. Inline style attributes set by script
 * (CSSOM) are not inline code and stay allowed.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "media-src 'self' blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the investigators' app at `/`: built files by path, and index.html for every other page
 * address so that the app's own router shows it. The API keeps its JSON 404s.
 */
export function serveWebApp(app: FastifyInstance, site: StaticSite, apiPrefix: string): void {
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const urlPath = request.url.split('?')[0] ?? '/';
    if (urlPath === apiPrefix || urlPath.startsWith(`${apiPrefix}/`)) {
      throw havenError('NOT_FOUND', { path: urlPath });
    }
    const file = await site.file(urlPath);
    if (file) {
      return send(reply, file);
    }
    // An address with a file extension that is not there is a missing file, not a page.
    if (/\.[a-z0-9]+$/i.test(urlPath) && !urlPath.endsWith('.html')) {
      throw havenError('NOT_FOUND', { path: urlPath });
    }
    const index = await site.index();
    if (!index) {
      throw havenError('NOT_READY', {
        reason: `the web app is not built in ${site.root} (run npm run build)`,
      });
    }
    return send(reply, index);
  };
  app.get('/', handler);
  app.get('/*', handler);
}

function send(reply: FastifyReply, file: SiteFile): FastifyReply {
  if (file.immutable) {
    void reply.header('cache-control', 'public, max-age=31536000, immutable');
  }
  return reply.type(file.contentType).send(file.body);
}

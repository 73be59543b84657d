import { z } from 'zod';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import {
  MAX_PROVIDER_HASHES,
  ProviderFeedbackRequest,
  ProviderHashesQuery,
  ProviderHashesResponse,
  ProviderMatchRequest,
  ProviderMatchResponse,
} from '#haven/sharing/provider/provider.schema.js';
import type { ProviderService } from '#haven/sharing/provider/provider.service.js';

const KEY = 'Authenticate with `Authorization: Bearer hvp_...` (a provider organisation key). ';

/** The provider API: hashes in, verdicts out; no media, no identifiers. */
export function providerRoutes(deps: { providers: ProviderService }): RouteSpec[] {
  const { providers } = deps;
  return [
    defineRoute({
      method: 'POST',
      path: '/provider/match',
      operationId: 'providerMatch',
      summary: `${KEY}Match up to ${MAX_PROVIDER_HASHES} MD5, SHA-1 or PDQ hashes against the hash sets shared with providers`,
      tag: 'provider',
      access: { providerKey: true },
      body: ProviderMatchRequest,
      responses: {
        200: { description: 'One result per hash, in order', schema: ProviderMatchResponse },
        ...ERROR_RESPONSES,
      },
      async handler({ request, body, requestId, clientIp }) {
        const context = { requestId, clientIp };
        const key = await providers.authenticate(request.headers.authorization, 'provider.match', context);
        return { body: { results: await providers.match(key, body.hashes, context) } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/provider/hashes',
      operationId: 'providerHashes',
      summary: `${KEY}The hash list your organisation is entitled to, paged; with since, the changes and deletions after it`,
      tag: 'provider',
      access: { providerKey: true },
      query: ProviderHashesQuery,
      responses: {
        200: { description: 'A page of hashes', schema: ProviderHashesResponse },
        ...ERROR_RESPONSES,
      },
      async handler({ request, query, requestId, clientIp }) {
        const context = { requestId, clientIp };
        const key = await providers.authenticate(request.headers.authorization, 'provider.export', context);
        const page = await providers.exportPage(
          key,
          {
            since: query.since ? new Date(query.since) : null,
            cursor: query.cursor ?? null,
            limit: query.limit,
          },
          context,
        );
        return { body: page };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/provider/feedback',
      operationId: 'providerFeedback',
      summary: `${KEY}Report matches you confirmed or found to be false positives (reviewed by the hash sets' owners)`,
      tag: 'provider',
      access: { providerKey: true },
      body: ProviderFeedbackRequest,
      responses: {
        200: { description: 'Recorded', schema: z.object({ received: z.number().int() }) },
        ...ERROR_RESPONSES,
      },
      async handler({ request, body, requestId, clientIp }) {
        const context = { requestId, clientIp };
        const key = await providers.authenticate(request.headers.authorization, 'provider.feedback', context);
        await providers.feedback(key, body.items, context);
        return { body: { received: body.items.length } };
      },
    }),
  ];
}

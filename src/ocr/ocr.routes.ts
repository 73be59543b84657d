import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import {
  MediaIdParams,
  MediaTextBody,
  SeriesTextCluesBody,
  TextScanRequested,
  TextSearchQuery,
  TextSearchResponse,
} from '#haven/ocr/ocr.schema.js';
import type { OcrService } from '#haven/ocr/ocr.service.js';
import { LANGUAGES, textClues } from '#haven/ocr/script-detect.js';
import type { Database } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';

const round = (value: number): number => Math.round(value * 1000) / 1000;

export function ocrRoutes(deps: { db: Database; texts: OcrService }): RouteSpec[] {
  const { db, texts } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/media/:id/text',
      operationId: 'getMediaText',
      summary: 'Text read in an image, with its writing system and language as clues to the country',
      tag: 'text',
      access: { permission: 'media.read' },
      params: MediaIdParams,
      responses: { 200: { description: 'The text', schema: MediaTextBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        const found = await texts.textOf(db, actor, params.id);
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'text.read',
            outcome: 'ok',
            objectType: 'media',
            objectId: params.id,
            requestId,
            clientIp,
          }),
        );
        const clues = found?.clues ?? textClues('');
        return {
          body: {
            mediaId: params.id,
            state: found ? ('read' as const) : ('pending' as const),
            text: found?.text.text ?? '',
            confidence: round(found?.text.confidence ?? 0),
            words: found?.text.words ?? 0,
            script: clues.script,
            scripts: clues.scripts.map((s) => ({ script: s.script, share: round(s.share) })),
            language: clues.language,
            languages: clues.languages.map((l) => ({ language: l.language, score: round(l.score) })),
            countries: [...clues.countries],
            error: found?.text.error ?? null,
            readAt: found?.text.readAt.toISOString() ?? null,
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/texts/search',
      operationId: 'searchTexts',
      summary: 'Find images by the text visible in them; ones you may not see say only whom to ask (audited)',
      tag: 'text',
      access: { permission: 'media.read' },
      query: TextSearchQuery,
      responses: { 200: { description: 'Hits, best first', schema: TextSearchResponse }, ...ERROR_RESPONSES },
      async handler({ actor, query, requestId, clientIp }) {
        const hits = await texts.search(db, actor, query.q, query.limit, { requestId, clientIp });
        return {
          body: {
            hits: hits.map((hit) =>
              hit.restricted
                ? { restricted: true as const, rank: round(hit.rank), ask: [...hit.ask] }
                : {
                    restricted: false as const,
                    mediaId: hit.mediaId,
                    sha256: hex(hit.sha256),
                    rank: round(hit.rank),
                    snippet: hit.snippet,
                    script: hit.script,
                    language: hit.language,
                    countries: [...(hit.language ? (LANGUAGES[hit.language]?.countries ?? []) : [])],
                  },
            ),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/series/:id/text-clues',
      operationId: 'getSeriesTextClues',
      summary: "Writing systems and languages of the text in a series' images: clues to the country",
      tag: 'series',
      access: { permission: 'series.read' },
      params: MediaIdParams,
      responses: { 200: { description: 'The clues', schema: SeriesTextCluesBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const clues = await texts.seriesClues(db, actor, params.id);
        return {
          body: { ...clues, languages: clues.languages.map((l) => ({ ...l, countries: [...l.countries] })) },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/texts/scan',
      operationId: 'requestTextScan',
      summary: 'Read the text of every held image not read yet (durable job)',
      tag: 'text',
      access: { permission: 'ingest.create' },
      responses: { 202: { description: 'Requested', schema: TextScanRequested }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        await db.transaction((tx) => texts.requestScan(tx, actor.agencyId ?? 'system'));
        return { status: 202, body: { requested: true } };
      },
    }),
  ];
}

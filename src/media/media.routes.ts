import { Readable } from 'node:stream';
import { z } from 'zod';
import { can } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteContext, type RouteSpec } from '#haven/http/route.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import { countryOfPoint } from '#haven/locations/country-of-point.js';
import { mediaService } from '#haven/media/media.service.js';
import { SeriesFactSchema } from '#haven/series/series.schema.js';
import { seriesService } from '#haven/series/series.service.js';
import type { Database } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import type { BlobStore, ByteRange } from '#haven/platform/evidence/blob-store.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import { signalNamed } from '#haven/signals/registry.js';

const MediaIdParams = z.object({ id: z.uuid() }).strict();
const PreviewQuery = z
  .object({
    variant: z
      .enum(['blurred', 'clear'])
      .default('blurred')
      .meta({ description: 'blurred greyscale (default) or clear (needs media.preview.clear; audited)' }),
  })
  .strict();

const MediaBody = z
  .object({
    id: z.uuid(),
    sha256: z.string(),
    size: z.number().int(),
    mime: z.string(),
    kind: z.string(),
    format: z.string().nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    analysisState: z.string(),
    analysisError: z.string().nullable(),
    hashes: z.array(
      z.object({ signal: z.string(), value: z.string(), quality: z.number().int().nullable() }),
    ),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    previews: z.object({ blurred: z.boolean(), clear: z.boolean() }),
    occurrences: z.array(
      z.object({
        caseId: z.uuid(),
        caseReference: z.string(),
        path: z.string(),
        size: z.number().int(),
        modifiedAt: z.iso.datetime().nullable(),
        recordedAt: z.iso.datetime(),
      }),
    ),
    firstRecordedAt: z.iso.datetime(),
    gps: z
      .object({
        latitude: z.number(),
        longitude: z.number(),
        country: z.object({ code: z.string().nullable(), name: z.string().nullable() }),
      })
      .nullable()
      .meta({ description: 'EXIF GPS position with the country it lies in (offline borders)' }),
    series: z.array(SeriesFactSchema).meta({ description: 'Series holding the medium' }),
  })
  .meta({ id: 'Media' });

export interface MediaRouteDeps {
  readonly db: Database;
  readonly originals: BlobStore;
  readonly previews: BlobStore;
}

type Ctx = RouteContext<z.infer<typeof MediaIdParams>, unknown, unknown>;

export function mediaRoutes(deps: MediaRouteDeps): RouteSpec[] {
  const { db } = deps;

  /** Writes the audit row first: a view that cannot be recorded does not happen. */
  const recordView = (
    context: Ctx,
    action: string,
    details: Record<string, unknown> = {},
  ): Promise<unknown> =>
    db.transaction((tx) =>
      auditService.record(tx, {
        actor: context.actor,
        action,
        outcome: 'ok',
        objectType: 'media',
        objectId: context.params.id,
        details,
        requestId: context.requestId,
        clientIp: context.clientIp,
      }),
    );

  return [
    defineRoute({
      method: 'GET',
      path: '/media/:id',
      operationId: 'getMedia',
      summary: 'A medium: hashes, metadata (EXIF), where it occurs in cases you may see',
      tag: 'media',
      access: { permission: 'media.read' },
      params: MediaIdParams,
      responses: { 200: { description: 'The medium', schema: MediaBody }, ...ERROR_RESPONSES },
      async handler(context) {
        const { actor, params } = context;
        const detail = await mediaService.visibleDetail(db, actor, params.id);
        const [values, occurrences, facts, series] = await Promise.all([
          signalValuesService.valuesOf(db, detail.id),
          mediaService.visibleOccurrences(db, actor, detail.id),
          mediaService.facts(db, [detail.id]),
          seriesService.factsForMedia(db, actor, [detail.id]),
        ]);
        const gps = facts[0]?.gps ?? null;
        await recordView(context, 'media.read');
        return {
          body: {
            id: detail.id,
            sha256: hex(detail.sha256),
            size: detail.size,
            mime: detail.mime,
            kind: detail.kind,
            format: detail.format,
            width: detail.width,
            height: detail.height,
            analysisState: detail.analysisState,
            analysisError: detail.analysisError,
            hashes: values.map((value) => ({
              signal: value.signal,
              value: signalNamed(value.signal).toText(value.value),
              quality: value.quality,
            })),
            metadata: detail.metadata,
            previews: { blurred: detail.blurredSha256 !== null, clear: detail.thumbnailSha256 !== null },
            occurrences: occurrences.map((occurrence) => ({
              ...occurrence,
              modifiedAt: occurrence.modifiedAt?.toISOString() ?? null,
              recordedAt: occurrence.recordedAt.toISOString(),
            })),
            firstRecordedAt: detail.createdAt.toISOString(),
            gps: gps && { ...gps, country: countryOfPoint(gps.latitude, gps.longitude) },
            series: series.get(detail.id) ?? [],
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/preview',
      operationId: 'getMediaPreview',
      summary: 'The preview: blurred greyscale by default; the clear one only on request (audited)',
      tag: 'media',
      access: { permission: 'media.preview' },
      params: MediaIdParams,
      query: PreviewQuery,
      responses: { 200: { description: 'A WebP image', contentType: 'image/webp' }, ...ERROR_RESPONSES },
      async handler(context) {
        const { actor, params, query, reply } = context;
        if (query.variant === 'clear' && !can(actor, 'media.preview.clear')) {
          throw havenError('FORBIDDEN', { permission: 'media.preview.clear' });
        }
        const detail = await mediaService.visibleDetail(db, actor, params.id);
        const blob = query.variant === 'clear' ? detail.thumbnailSha256 : detail.blurredSha256;
        if (!blob) {
          throw havenError('NOT_FOUND');
        }
        await recordView(context, query.variant === 'clear' ? 'media.preview.clear' : 'media.preview');
        const bytes = await deps.previews.readAll(blob);
        void reply
          .code(200)
          .header('content-type', 'image/webp')
          .header('cache-control', 'no-store, private')
          .send(bytes);
        return { sent: true };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/media/:id/original',
      operationId: 'getMediaOriginal',
      summary: 'The original file, decrypted and verified (explicit request only; audited; Range supported)',
      tag: 'media',
      access: { permission: 'media.original' },
      params: MediaIdParams,
      responses: {
        200: { description: 'The original bytes', contentType: 'application/octet-stream' },
        206: { description: 'A byte range of the original', contentType: 'application/octet-stream' },
        416: { description: 'Range not satisfiable', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler(context) {
        const { actor, params, request, reply } = context;
        const detail = await mediaService.visibleDetail(db, actor, params.id);
        const range = parseRange(request.headers.range, detail.size);
        await recordView(context, 'media.original', range ? { range: `${range.start}-${range.end}` } : {});
        void reply
          .header('content-type', detail.mime)
          .header('content-disposition', `attachment; filename="${hex(detail.sha256)}"`)
          .header('accept-ranges', 'bytes')
          .header('cache-control', 'no-store, private');
        if (range) {
          void reply
            .code(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${detail.size}`)
            .header('content-length', String(range.end - range.start + 1));
        } else {
          void reply.code(200).header('content-length', String(detail.size));
        }
        void reply.send(Readable.from(deps.originals.read(detail.sha256, range)));
        return { sent: true };
      },
    }),
  ];
}

/** One "bytes=a-b" range (the form players use); several ranges or garbage are refused. */
function parseRange(header: string | undefined, size: number): ByteRange | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) {
    throw havenError('VALIDATION_FAILED', { issues: `Range: unsupported value ${JSON.stringify(header)}` });
  }
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(size - 1, Number(match[2]));
  }
  if (start > end || start >= size) {
    throw havenError('VALIDATION_FAILED', { issues: `Range: ${header} is outside 0-${size - 1}` });
  }
  return { start, end };
}

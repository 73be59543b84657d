import { z } from 'zod';
import { can } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import { auditService } from '#haven/audit/audit.service.js';
import type { FaceService } from '#haven/faces/face.service.js';
import {
  AllSuggestionsQuery,
  FaceCropQuery,
  FaceIdParams,
  FaceSearchQuery,
  FaceSearchResponse,
  FaceSettingsBody,
  FaceSettingsRequest,
  SeriesFacesBody,
  SeriesIdParams,
  SuggestionBody,
  SuggestionDecisionRequest,
  SuggestionIdParams,
  SuggestionList,
  ScanRequested,
  presentBox,
} from '#haven/faces/face.schema.js';
import type { SuggestionRecord } from '#haven/faces/face.types.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database, Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { seriesService } from '#haven/series/series.service.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import type { Actor } from '#haven/access/actor.js';

/** A query photo is read into memory: faces need the whole image, and photos are small. */
const MAX_QUERY_BYTES = 25 * 1024 * 1024;

const round = (value: number): number => Math.round(value * 10_000) / 10_000;

async function presentSuggestions(
  db: Queryable,
  actor: Actor,
  suggestions: readonly SuggestionRecord[],
): Promise<z.output<typeof SuggestionBody>[]> {
  const visibleSeries = await seriesService.visibleIds(
    db,
    actor,
    suggestions.map((s) => s.otherSeriesId),
  );
  const holders = await accessService.holders(
    db,
    suggestions.map((s) => s.otherMediaId),
  );
  return suggestions.map((s) => ({
    id: s.id,
    score: round(s.score),
    state: s.state,
    decidedBy: s.decidedBy,
    decidedAt: s.decidedAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
    seriesId: s.seriesId,
    face: { faceId: s.faceId, mediaId: s.mediaId },
    other: visibleSeries.has(s.otherSeriesId)
      ? {
          restricted: false as const,
          seriesId: s.otherSeriesId,
          faceId: s.otherFaceId,
          mediaId: s.otherMediaId,
        }
      : { restricted: true as const, ask: holders.get(s.otherMediaId) ?? [] },
  }));
}

export function faceRoutes(deps: { db: Database; faces: FaceService }): RouteSpec[] {
  const { db, faces } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/faces/settings',
      operationId: 'getFaceSettings',
      summary: "Whether face processing is on for your agency's material (off unless turned on)",
      tag: 'faces',
      access: { permission: 'agency.read' },
      responses: { 200: { description: 'The setting', schema: FaceSettingsBody }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        if (actor.agencyId === null) {
          throw havenError('FORBIDDEN', { permission: 'agency.read (no agency)' });
        }
        const settings = await faces.settings(db, actor.agencyId);
        return {
          body: {
            enabled: settings.enabled,
            updatedBy: settings.updatedBy,
            updatedAt: settings.updatedAt?.toISOString() ?? null,
          },
        };
      },
    }),
    defineRoute({
      method: 'PUT',
      path: '/faces/settings',
      operationId: 'setFaceSettings',
      summary: "Turn face processing on or off for your agency's material (audited; on starts a scan)",
      tag: 'faces',
      access: { permission: 'face.settings' },
      body: FaceSettingsRequest,
      responses: { 200: { description: 'The new setting', schema: FaceSettingsBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        const agencyId = actor.agencyId;
        if (agencyId === null) {
          throw havenError('FORBIDDEN', { permission: 'face.settings (no agency)' });
        }
        const settings = await db.transaction((tx) =>
          faces.setEnabled(tx, actor, agencyId, body.enabled, { requestId, clientIp }),
        );
        return {
          body: {
            enabled: settings.enabled,
            updatedBy: settings.updatedBy,
            updatedAt: settings.updatedAt?.toISOString() ?? null,
          },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/faces/scan',
      operationId: 'requestFaceScan',
      summary: 'Compute faces now for held images of opted-in agencies that have none yet (durable job)',
      tag: 'faces',
      access: { permission: 'face.settings' },
      responses: { 202: { description: 'Requested', schema: ScanRequested }, ...ERROR_RESPONSES },
      async handler({ actor }) {
        await faces.requireOptedIn(db, actor);
        await db.transaction((tx) => faces.requestScan(tx, actor.agencyId ?? 'system'));
        return { status: 202, body: { requested: true } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/faces/search',
      operationId: 'searchFaces',
      summary:
        'Compare a photo (e.g. of a missing child) with held faces: ranked candidates; ones you may not see say only whom to ask',
      tag: 'faces',
      access: { permission: 'face.search' },
      query: FaceSearchQuery,
      multipart: { description: 'One file part: the photo (JPEG, PNG, WebP...)' },
      responses: {
        200: { description: 'Faces found in the photo and candidates', schema: FaceSearchResponse },
        413: { description: 'Too large', schema: ERROR_RESPONSES[400].schema },
        422: { description: 'Not a readable image', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, query, request, requestId, clientIp }) {
        await faces.requireOptedIn(db, actor);
        if (!request.isMultipart()) {
          throw havenError('UNSUPPORTED_MEDIA_TYPE', {
            contentType: request.headers['content-type'] ?? 'none',
          });
        }
        const part = await request.file({ limits: { fileSize: MAX_QUERY_BYTES, files: 1 } });
        if (!part) {
          throw havenError('VALIDATION_FAILED', { issues: 'file: one image file part is required' });
        }
        const bytes = await part.toBuffer();
        if (part.file.truncated) {
          throw havenError('PAYLOAD_TOO_LARGE', { limit: MAX_QUERY_BYTES });
        }
        if (bytes.length === 0) {
          throw havenError('INPUT_EMPTY');
        }
        const result = await faces.searchForActor(actor, bytes, query.limit, { requestId, clientIp });
        return {
          body: {
            threshold: faces.threshold,
            faces: result.faces.map((face) => ({
              box: presentBox(face.box),
              score: round(face.score),
              quality: round(face.quality),
            })),
            matches: result.hits.map((hit) =>
              result.visible.has(hit.mediaId)
                ? {
                    restricted: false as const,
                    mediaId: hit.mediaId,
                    sha256: hex(hit.sha256),
                    faceId: hit.faceId,
                    score: round(hit.score),
                    box: presentBox(hit.box),
                    queryFace: hit.queryFace,
                  }
                : {
                    restricted: true as const,
                    score: round(hit.score),
                    queryFace: hit.queryFace,
                    ask: result.holders.get(hit.mediaId) ?? [],
                  },
            ),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/series/:id/faces',
      operationId: 'listSeriesFaces',
      summary: "Faces in a series' images, grouped into people within the series",
      tag: 'series',
      access: { permission: 'series.read' },
      params: SeriesIdParams,
      responses: { 200: { description: 'The faces', schema: SeriesFacesBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const found = await faces.seriesFaces(db, actor, params.id);
        return {
          body: {
            threshold: faces.threshold,
            people: new Set(found.map((f) => f.cluster)).size,
            faces: found.map(({ face, cluster }) => ({
              faceId: face.id,
              mediaId: face.mediaId,
              box: presentBox(face.box),
              score: round(face.score),
              quality: round(face.quality),
              person: cluster,
            })),
          },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/series/:id/face-suggestions',
      operationId: 'listFaceSuggestions',
      summary:
        'Suggestions "same person as in series X", with scores and decisions (found afresh on each call)',
      tag: 'series',
      access: { permission: 'face.review' },
      params: SeriesIdParams,
      responses: { 200: { description: 'The suggestions', schema: SuggestionList }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        const suggestions = await faces.suggestions(db, actor, params.id);
        return {
          body: { suggestions: await presentSuggestions(db, actor, suggestions), threshold: faces.threshold },
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/face-suggestions',
      operationId: 'listAllFaceSuggestions',
      summary:
        'Suggestions "same person as in series X" of every series you may see, open ones first (found afresh on each call)',
      tag: 'faces',
      access: { permission: 'face.review' },
      query: AllSuggestionsQuery,
      responses: { 200: { description: 'The suggestions', schema: SuggestionList }, ...ERROR_RESPONSES },
      async handler({ actor, query }) {
        const suggestions = await faces.allSuggestions(db, actor, query.state);
        return {
          body: { suggestions: await presentSuggestions(db, actor, suggestions), threshold: faces.threshold },
        };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/face-suggestions/:id/decision',
      operationId: 'decideFaceSuggestion',
      summary: 'Accept or reject a suggestion (recorded with who and when; audited)',
      tag: 'faces',
      access: { permission: 'face.review' },
      params: SuggestionIdParams,
      body: SuggestionDecisionRequest,
      responses: {
        200: { description: 'The decided suggestion', schema: SuggestionBody },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, body, requestId, clientIp }) {
        const decided = await db.transaction((tx) =>
          faces.decide(tx, actor, params.id, body.decision === 'accept' ? 'accepted' : 'rejected', {
            requestId,
            clientIp,
          }),
        );
        const [shown] = await presentSuggestions(db, actor, [decided]);
        return { body: shown! };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/faces/:id/crop',
      operationId: 'getFaceCrop',
      summary: 'A face cut out of its image: blurred greyscale by default; clear only on request (audited)',
      tag: 'faces',
      access: { permission: 'media.preview' },
      params: FaceIdParams,
      query: FaceCropQuery,
      responses: { 200: { description: 'A WebP image', contentType: 'image/webp' }, ...ERROR_RESPONSES },
      async handler({ actor, params, query, reply, requestId, clientIp }) {
        const clear = query.variant === 'clear';
        if (clear && !can(actor, 'media.preview.clear')) {
          throw havenError('FORBIDDEN', { permission: 'media.preview.clear' });
        }
        const { face, webp } = await faces.crop(db, actor, params.id, clear);
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: clear ? 'faces.crop.clear' : 'faces.crop',
            outcome: 'ok',
            objectType: 'media',
            objectId: face.mediaId,
            details: { face: face.id },
            requestId,
            clientIp,
          }),
        );
        void reply
          .code(200)
          .header('content-type', 'image/webp')
          .header('cache-control', 'no-store, private')
          .send(webp);
        return { sent: true };
      },
    }),
  ];
}

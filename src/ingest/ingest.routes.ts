import type { z } from 'zod';
import type { Actor } from '#haven/access/actor.js';
import { auditService } from '#haven/audit/audit.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import {
  CreateIngestRequest,
  IngestBody,
  IngestIdParams,
  IngestList,
  IngestResults,
  ResultsQuery,
  UploadResult,
} from '#haven/ingest/ingest.schema.js';
import type { IngestService } from '#haven/ingest/ingest.service.js';
import type { IngestRecord } from '#haven/ingest/ingest.types.js';
import { matchesFor } from '#haven/matching/match-visibility.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';

export interface IngestRouteDeps {
  readonly db: Database;
  readonly ingests: IngestService;
  readonly uploadFileLimit: number;
}

const CaseIdParams = IngestIdParams;

export function ingestRoutes(deps: IngestRouteDeps): RouteSpec[] {
  const { db, ingests } = deps;

  /** The ingest if its case is visible to the actor; NOT_FOUND otherwise. */
  const visibleIngest = async (actor: Actor, id: string): Promise<IngestRecord> => {
    let ingest: IngestRecord;
    try {
      ingest = await ingests.get(id);
    } catch {
      throw havenError('NOT_FOUND');
    }
    await caseService.getVisible(db, actor, ingest.caseId);
    return ingest;
  };

  /** Only the agency owning the case adds material to it. */
  const ownIngest = async (actor: Actor, id: string): Promise<IngestRecord> => {
    const ingest = await visibleIngest(actor, id);
    const owner = (await caseService.getVisible(db, actor, ingest.caseId)).agencyId;
    if (owner !== actor.agencyId) {
      throw havenError('FORBIDDEN', { permission: 'ingest.create (only the owning agency adds material)' });
    }
    return ingest;
  };

  const present = async (ingest: IngestRecord): Promise<z.output<typeof IngestBody>> => {
    const summary = await ingests.summary(ingest.id);
    return {
      id: ingest.id,
      caseId: ingest.caseId,
      caseReference: ingest.caseReference,
      origin: ingest.origin,
      state: summary.state,
      operator: ingest.operator,
      startedAt: ingest.startedAt.toISOString(),
      finishedAt: summary.finishedAt,
      progress: {
        files: summary.files,
        pending: summary.pending,
        new: summary.new,
        exact: summary.exact,
        near: summary.near,
        error: summary.error,
        newImages: summary.newImages,
        newVideos: summary.newVideos,
        distinctMedia: summary.distinctMedia,
      },
    };
  };

  return [
    defineRoute({
      method: 'POST',
      path: '/ingests',
      operationId: 'createIngest',
      summary: "Open an ingest into one of your agency's cases; upload files into it, then start it",
      tag: 'ingests',
      access: { permission: 'ingest.create' },
      body: CreateIngestRequest,
      responses: { 201: { description: 'Open for uploads', schema: IngestBody }, ...ERROR_RESPONSES },
      async handler({ actor, body, requestId, clientIp }) {
        const target = await caseService.getVisible(db, actor, body.caseId);
        if (target.agencyId !== actor.agencyId) {
          throw havenError('FORBIDDEN', {
            permission: 'ingest.create (only the owning agency adds material)',
          });
        }
        const ingest = await db.transaction(async (tx) => {
          const created = await ingests.createUpload(tx, {
            caseId: target.id,
            operator: actor.name,
            userId: actor.userId,
          });
          await auditService.record(tx, {
            actor,
            action: 'ingest.create',
            outcome: 'ok',
            objectType: 'ingest',
            objectId: created.id,
            details: { caseId: target.id },
            requestId,
            clientIp,
          });
          return created;
        });
        return { status: 201, body: await present(ingest) };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/ingests/:id/files',
      operationId: 'uploadFiles',
      summary: 'Upload files or zip archives into an open ingest (multipart, streamed to the evidence store)',
      tag: 'ingests',
      access: { permission: 'ingest.create' },
      params: IngestIdParams,
      multipart: { description: "One or more file parts; file names are kept as the files' paths." },
      responses: {
        201: { description: 'Stored', schema: UploadResult },
        413: { description: 'Too large', schema: ERROR_RESPONSES[400].schema },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, request, requestId, clientIp }) {
        const ingest = await ownIngest(actor, params.id);
        if (!request.isMultipart()) {
          throw havenError('UNSUPPORTED_MEDIA_TYPE', {
            contentType: request.headers['content-type'] ?? 'none',
          });
        }
        const files: { name: string; sha256: string; size: number }[] = [];
        for await (const part of request.parts()) {
          if (part.type !== 'file') {
            continue;
          }
          files.push(
            await ingests.receiveUpload(
              ingest,
              part.filename,
              part.file,
              () => part.file.truncated,
              deps.uploadFileLimit,
            ),
          );
        }
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'ingest.upload',
            outcome: 'ok',
            objectType: 'ingest',
            objectId: ingest.id,
            details: { files: files.length, bytes: files.reduce((sum, file) => sum + file.size, 0) },
            requestId,
            clientIp,
          }),
        );
        return { status: 201, body: { files } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/ingests/:id/start',
      operationId: 'startIngest',
      summary: 'Close an upload ingest and process it in the background (durable job)',
      tag: 'ingests',
      access: { permission: 'ingest.create' },
      params: IngestIdParams,
      responses: { 202: { description: 'Queued', schema: IngestBody }, ...ERROR_RESPONSES },
      async handler({ actor, params, requestId, clientIp }) {
        const ingest = await ownIngest(actor, params.id);
        await db.transaction(async (tx) => {
          await ingests.startUpload(tx, ingest);
          await auditService.record(tx, {
            actor,
            action: 'ingest.start',
            outcome: 'ok',
            objectType: 'ingest',
            objectId: ingest.id,
            requestId,
            clientIp,
          });
        });
        return { status: 202, body: await present(await ingests.get(ingest.id)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/ingests/:id',
      operationId: 'getIngest',
      summary: 'State and progress of an ingest',
      tag: 'ingests',
      access: { permission: 'ingest.read' },
      params: IngestIdParams,
      responses: { 200: { description: 'The ingest', schema: IngestBody }, ...ERROR_RESPONSES },
      async handler({ actor, params }) {
        return { body: await present(await visibleIngest(actor, params.id)) };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/ingests/:id/results',
      operationId: 'getIngestResults',
      summary:
        'Per-file triage of an ingest, in path order; matches outside your sharing level are restricted',
      tag: 'ingests',
      access: { permission: 'ingest.read' },
      params: IngestIdParams,
      query: ResultsQuery,
      responses: { 200: { description: 'One page of results', schema: IngestResults }, ...ERROR_RESPONSES },
      async handler({ actor, params, query }) {
        const ingest = await visibleIngest(actor, params.id);
        const items = await ingests.results(ingest.id, query);
        const shown = await Promise.all(
          items.map(async (item) => ({
            path: item.path,
            sha256: item.sha256,
            mediaId: item.mediaId,
            status: item.status ?? 'pending',
            kind: item.kind,
            mime: item.mime,
            error: item.error,
            errorCode: item.errorCode,
            matches: await matchesFor(db, actor, item.matches),
            hashSets: item.lists ?? [],
          })),
        );
        return { body: { items: shown, offset: query.offset, limit: query.limit } };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/cases/:id/ingests',
      operationId: 'listCaseIngests',
      summary: 'Ingests of a case',
      tag: 'ingests',
      access: { permission: 'ingest.read' },
      params: CaseIdParams,
      responses: {
        200: { description: 'The ingests, newest first', schema: IngestList },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params }) {
        const target = await caseService.getVisible(db, actor, params.id);
        const list = await ingests.listForCase(target.id);
        return { body: { ingests: await Promise.all(list.map(present)) } };
      },
    }),
  ];
}

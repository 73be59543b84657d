import { Readable } from 'node:stream';
import type { z } from 'zod';
import { auditService } from '#haven/audit/audit.service.js';
import { ERROR_RESPONSES } from '#haven/http/http-schemas.js';
import { defineRoute, type RouteSpec } from '#haven/http/route.js';
import type { Database } from '#haven/platform/db/database.js';
import { havenError } from '#haven/platform/errors/haven-error.js';
import {
  HashSetBody,
  HashSetExportQuery,
  HashSetImportQuery,
  HashSetList,
  HashSetNameParams,
  ImportReportBody,
} from '#haven/sharing/hash-set-http/hash-set.schema.js';
import { spoolUpload, type SpooledUpload } from '#haven/sharing/hash-set-http/upload-spool.adapter.js';
import { exportHashSet } from '#haven/sharing/hash-set-export.service.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { hashSetService } from '#haven/sharing/hash-set.service.js';
import type { HashSet } from '#haven/sharing/hash-set.types.js';

const CONTENT_TYPES = {
  vics: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdq: 'text/plain; charset=utf-8',
} as const;

const shown = (set: HashSet): z.input<typeof HashSetBody> => ({
  name: set.name,
  purpose: set.purpose,
  source: set.source,
  licence: set.licence,
  trust: set.trust,
  scheme: set.scheme,
  vicsVariant: set.vicsVariant,
  providerShared: set.providerShared,
  revision: set.revision,
  entries: set.entries,
  createdBy: set.createdBy,
  createdAt: set.createdAt.toISOString(),
  updatedAt: set.updatedAt.toISOString(),
});

/** Hash sets over HTTP: list, streamed import (dry run, best effort) and streamed export. */
export function hashSetRoutes(deps: { db: Database; dataDir: string; uploadFileLimit: number }): RouteSpec[] {
  const { db } = deps;
  return [
    defineRoute({
      method: 'GET',
      path: '/hashsets',
      operationId: 'listHashSets',
      summary: 'Hash sets (banks): source, licence, trust, category scheme, entries',
      tag: 'hashsets',
      access: { permission: 'hashset.read' },
      responses: { 200: { description: 'The hash sets', schema: HashSetList }, ...ERROR_RESPONSES },
      async handler() {
        return { body: { hashSets: (await hashSetService.list(db)).map(shown) } };
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/hashsets/:name/import',
      operationId: 'importHashSet',
      summary:
        'Import one uploaded VICS file or hash list into a hash set (streamed; all or nothing unless bestEffort; audited)',
      tag: 'hashsets',
      access: { permission: 'hashset.manage' },
      params: HashSetNameParams,
      query: HashSetImportQuery,
      multipart: {
        description: 'Exactly one file part: VICS JSON (1.x or 2.0), CSV, PDQ list, NSRL or plain list',
      },
      responses: {
        200: { description: 'Dry run: what the import would do', schema: ImportReportBody },
        201: { description: 'Imported', schema: ImportReportBody },
        422: {
          description: 'The file cannot be imported (nothing was)',
          schema: ERROR_RESPONSES[400].schema,
        },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, query, request }) {
        if (!request.isMultipart()) {
          throw havenError('UNSUPPORTED_MEDIA_TYPE', {
            contentType: request.headers['content-type'] ?? 'none',
          });
        }
        let upload: { spooled: SpooledUpload; name: string } | null = null;
        try {
          for await (const part of request.parts()) {
            if (part.type !== 'file') {
              continue;
            }
            if (upload) {
              throw havenError('INVALID_ARGUMENT', { reason: 'send exactly one file per import' });
            }
            const spooled = await spoolUpload(
              deps.dataDir,
              part.filename,
              part.file,
              () => part.file.truncated,
              deps.uploadFileLimit,
            );
            upload = { spooled, name: part.filename };
          }
          if (!upload) {
            throw havenError('INVALID_ARGUMENT', { reason: 'no file part: send the hash list as a file' });
          }
          const report = await hashSetImportService.importFile(db, upload.spooled.file, {
            name: params.name,
            purpose: query.purpose,
            source: query.source ?? (upload.name.split(/[\\/]/).pop() || 'upload'),
            licence: query.licence ?? null,
            trust: query.trust,
            scheme: query.scheme,
            providerShared: query.providerShared,
            mode: query.mode,
            dryRun: query.dryRun,
            bestEffort: query.bestEffort,
            baseline: query.baseline,
            hashType: query.hashType ?? null,
            actor,
          });
          return { status: report.dryRun ? 200 : 201, body: { ...report, problems: [...report.problems] } };
        } finally {
          await upload?.spooled.remove();
        }
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/hashsets/:name/export',
      operationId: 'exportHashSet',
      summary: 'Export a hash set as VICS 2.0, CSV or a PDQ list (streamed; audited)',
      tag: 'hashsets',
      access: { permission: 'hashset.read' },
      params: HashSetNameParams,
      query: HashSetExportQuery,
      responses: {
        200: { description: 'The hash set in the chosen format', contentType: 'application/octet-stream' },
        ...ERROR_RESPONSES,
      },
      async handler({ actor, params, query, reply, requestId, clientIp }) {
        const set = await hashSetService.get(db, params.name);
        const pieces = await exportHashSet(db, set.name, query.format, query.variant);
        await db.transaction((tx) =>
          auditService.record(tx, {
            actor,
            action: 'hashset.export',
            outcome: 'ok',
            objectType: 'hash_set',
            objectId: set.id,
            requestId,
            clientIp,
            details: { name: set.name, format: query.format, variant: query.variant ?? null },
          }),
        );
        const extension = query.format === 'vics' ? 'json' : query.format === 'csv' ? 'csv' : 'txt';
        const fileName = `${set.name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 100) || 'hashset'}.${extension}`;
        void reply
          .code(200)
          .header('content-type', CONTENT_TYPES[query.format])
          .header('content-disposition', `attachment; filename="${fileName}"`)
          .header('cache-control', 'no-store, private')
          .send(Readable.from(pieces));
        return { sent: true };
      },
    }),
  ];
}

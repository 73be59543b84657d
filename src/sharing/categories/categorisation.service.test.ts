// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { imageDraft } from '../../../test/support/factories.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { freshDataDir, openTestHaven } from '../../../test/support/haven-fixture.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../../test/support/temp-dir.js';
import { createHash, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import { mediaService } from '#haven/media/media.service.js';
import { isHavenError } from '#haven/platform/errors/haven-error.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';

describe('CategorisationService', () => {
  it('keeps every decision, compares people and hash sets, and shows conflicts without resolving them', async () => {
    const haven = await openTestHaven(freshDataDir());
    try {
      const agency = await agencyService.ensureLocal(haven.db, 'Local', 'XX');
      const caseRecord = await caseService.ensure(haven.db, 'CAT-1', 'tester', agency.id);
      const ingestId = randomUUID();
      await ingestRepository.insert(haven.db, {
        id: ingestId,
        caseId: caseRecord.id,
        fingerprint: randomUUID(),
        sources: ['/evidence'],
        operator: 'tester',
        host: 'test-host',
        toolVersion: 'test',
      });
      const content = Buffer.from('benign content for categorisation');
      const sha256 = createHash('sha256').update(content).digest();
      const md5 = createHash('md5').update(content).digest();
      const mediaId = await haven.db.transaction(async (tx) => {
        const { media } = await mediaService.record(tx, imageDraft({ sha256 }), ingestId);
        await signalValuesService.record(tx, media.id, [
          { signal: 'sha256', value: sha256, quality: null, pipeline: 'sha256-v1' },
          { signal: 'md5', value: md5, quality: null, pipeline: 'md5-v1' },
        ]);
        await mediaService.recordFile(tx, {
          mediaId: media.id,
          caseId: caseRecord.id,
          ingestId,
          sourcePath: '/evidence/a.jpg',
          sourcePathKey: Buffer.from('/evidence/a.jpg'),
          containerSha256: null,
          size: 256,
          modifiedAt: null,
          accessedAt: null,
          changedAt: null,
          bornAt: null,
        });
        return media.id;
      });
      const file = path.join(tempDir(), 'set.json');
      writeFileSync(
        file,
        JSON.stringify({
          '@odata.context':
            'http://github.com/VICSDATAMODEL/ProjectVic/DataModels/2.0.xml/US/$metadata#Media',
          value: [{ MediaID: 1, Category: 1, MD5: md5.toString('hex') }],
        }),
      );
      const actor = systemActor('analyst-1');
      await hashSetImportService.importFile(haven.db, file, {
        name: 'portal',
        purpose: 'known',
        source: 'test',
        licence: null,
        trust: 'verified',
        providerShared: false,
        mode: 'replace',
        dryRun: false,
        bestEffort: false,
        baseline: false,
        actor,
      });

      const first = await haven.categories.view(haven.db, actor, mediaId);
      expect(first.history).toEqual([]);
      expect(first.verdict).toMatchObject({ classes: ['csam'], conflict: false });

      const disagreeing = await haven.categories.categorise(actor, mediaId, {
        scheme: 'uk',
        code: 'np',
        baseline: false,
      });
      expect(disagreeing.verdict).toMatchObject({ classes: ['non_pertinent', 'csam'], conflict: true });
      expect(disagreeing.verdict.claims.map((c) => c.source)).toEqual([
        'person analyst-1',
        'hash set portal',
      ]);

      const changed = await haven.categories.categorise(actor, mediaId, {
        scheme: 'uk',
        code: 'A',
        baseline: true,
        note: 'second look',
      });
      expect(changed.history.map((d) => d.code)).toEqual(['NP', 'A']);
      expect(changed.verdict).toMatchObject({ classes: ['csam'], baseline: true, conflict: false });

      const refusal = async (work: Promise<unknown>, code: string): Promise<void> => {
        await expect(work).rejects.toSatisfy((error: unknown) => isHavenError(error) && error.code === code);
      };
      await refusal(
        haven.categories.categorise(actor, mediaId, { scheme: 'vics_us', code: '9', baseline: false }),
        'VALIDATION_FAILED',
      );
      await refusal(
        haven.categories.categorise(actor, mediaId, { scheme: 'vics_us', code: '5', baseline: true }),
        'VALIDATION_FAILED',
      );
      await refusal(
        haven.categories.categorise(actor, randomUUID(), { scheme: 'vics_us', code: '1', baseline: false }),
        'NOT_FOUND',
      );
      expect((await haven.categories.view(haven.db, actor, mediaId)).history).toHaveLength(2);
    } finally {
      await haven.close();
    }
  });
});

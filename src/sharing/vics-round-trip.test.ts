// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../test/support/factories.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../test/support/temp-dir.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import {
  V13_CASES,
  casesFile,
  desktopMedia,
  mediaFile,
  portalMedia,
  v2Context,
} from '../../test/support/vics-fixtures.js';
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import { exportHashSet } from '#haven/sharing/hash-set-export.service.js';
import { hashSetImportService, type ImportOptions } from '#haven/sharing/hash-set-import.service.js';
import { readVics } from '#haven/sharing/vics/vics-reader.js';
import { parseVicsMedia, type CategoryRule } from '#haven/sharing/vics/vics-record.js';
import type { VicsMedia } from '#haven/sharing/vics/vics.types.js';

const db = fileDatabase('vics-round-trip');

function options(name: string, overrides: Partial<ImportOptions> = {}): ImportOptions {
  return {
    name,
    purpose: 'known',
    source: 'round trip',
    licence: null,
    trust: 'trusted',
    providerShared: false,
    mode: 'replace',
    dryRun: false,
    bestEffort: false,
    baseline: false,
    actor: systemActor('test'),
    ...overrides,
  };
}

async function parsedMedia(file: string, rule: CategoryRule): Promise<VicsMedia[]> {
  const out: VicsMedia[] = [];
  for await (const events of readVics(createReadStream(file))) {
    for (const event of events) {
      if (event.kind === 'media') {
        out.push(parseVicsMedia(event.record, event.recordNumber, rule));
      }
    }
  }
  return out.sort((a, b) => a.mediaId.localeCompare(b.mediaId));
}

async function exported(
  name: string,
  format: 'vics' | 'csv' | 'pdq',
  variant?: 'US' | 'UK',
): Promise<string> {
  let text = '';
  for await (const piece of await exportHashSet(db(), name, format, variant)) {
    text += piece;
  }
  const file = path.join(tempDir(), `${name}.${format}`);
  writeFileSync(file, text);
  return file;
}

describe('VICS round trip', () => {
  it('import(export(x)) == x for every field held, from desktop-tool, portal and UK files', async () => {
    const sources = [
      {
        name: 'desktop',
        text: casesFile(V13_CASES, [desktopMedia(1, 'a', 1), desktopMedia(2, 'b', null)], 'odata.metadata'),
        rule: 'us' as const,
      },
      {
        name: 'portal',
        text: mediaFile(v2Context('US', 'Media'), [
          portalMedia(7, 'x', 3),
          { ...portalMedia('id-with-text', 'y', 0), Comments: 'multi\nline "quoted" é', Baseline: true },
        ]),
        rule: 'us' as const,
      },
      {
        name: 'uk',
        text: casesFile(v2Context('UK', 'Cases'), [portalMedia(3, 'u', 'B'), portalMedia(4, 'v', 'NP')]),
        rule: 'free' as const,
      },
    ];
    for (const source of sources) {
      const original = path.join(tempDir(), `${source.name}.json`);
      writeFileSync(original, source.text);
      await hashSetImportService.importFile(db(), original, options(source.name));
      const first = await parsedMedia(original, source.rule);

      const out = await exported(source.name, 'vics');
      const again = await parsedMedia(out, source.rule);
      expect(again).toEqual(first);

      // Importing the export into another set gives the same set; into the same set changes nothing.
      await hashSetImportService.importFile(db(), out, options(`${source.name}-copy`));
      expect(await parsedMedia(await exported(`${source.name}-copy`, 'vics'), source.rule)).toEqual(first);
      expect(await hashSetImportService.importFile(db(), out, options(source.name))).toMatchObject({
        added: 0,
        changed: 0,
        removed: 0,
      });
    }
    const uk = await exported('uk', 'vics');
    expect(JSON.parse(await import('node:fs').then((fs) => fs.readFileSync(uk, 'utf8')))).toMatchObject({
      '@odata.context': v2Context('UK', 'Media'),
    });
  });

  it('round-trips the hashes, categories and Baseline flags through CSV, and PDQ through PDQ lists', async () => {
    const text = mediaFile(v2Context('US', 'Media'), [
      {
        ...portalMedia(1, 'c1', 1),
        Baseline: true,
        AlternativeHashes: [{ HashName: 'PDQ', HashValue: 'ab'.repeat(32) }],
      },
      portalMedia(2, 'c2', 2),
    ]);
    const original = path.join(tempDir(), 'csv.json');
    writeFileSync(original, text);
    await hashSetImportService.importFile(db(), original, options('csv-source'));
    const csv = await exported('csv-source', 'csv');
    await hashSetImportService.importFile(db(), csv, options('csv-copy', { scheme: 'vics_us' }));
    const rows = async (name: string): Promise<string[]> =>
      (
        await db().query<{ row: string }>(
          `SELECT concat_ws('|', encode(md5, 'hex'), encode(sha1, 'hex'), encode(pdq, 'hex'), category, baseline::text) AS row
           FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id WHERE s.name = $1 ORDER BY 1`,
          [name],
        )
      ).map((r) => r.row);
    expect(await rows('csv-copy')).toEqual(await rows('csv-source'));

    const pdq = await exported('csv-source', 'pdq');
    const report = await hashSetImportService.importFile(db(), pdq, options('pdq-copy'));
    expect(report.added).toBe(1);
    const pdqRows = await db().query<{ pdq: string }>(
      `SELECT encode(pdq, 'hex') AS pdq FROM hash_set_entries e JOIN hash_sets s ON s.id = e.hash_set_id WHERE s.name = 'pdq-copy'`,
    );
    expect(pdqRows).toEqual([{ pdq: 'ab'.repeat(32) }]);
  });
});

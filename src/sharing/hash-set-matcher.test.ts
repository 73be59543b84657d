// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { fileDatabase } from '../../test/support/factories.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { tempDir } from '../../test/support/temp-dir.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { hashesOf, mediaFile, portalMedia, v2Context } from '../../test/support/vics-fixtures.js';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { systemActor } from '#haven/access/actor.js';
import type { Probe } from '#haven/matching/triage.types.js';
import { hashSetImportService } from '#haven/sharing/hash-set-import.service.js';
import { HashSetMatcher } from '#haven/sharing/hash-set-matcher.js';
import { hashSetService } from '#haven/sharing/hash-set.service.js';

const db = fileDatabase('hash-set-matcher');

async function importSet(
  name: string,
  seeds: string[],
  trust: 'verified' | 'unverified' = 'verified',
): Promise<void> {
  const file = path.join(tempDir(), `${name}.json`);
  writeFileSync(
    file,
    mediaFile(
      v2Context('US', 'Media'),
      seeds.map((seed, i) => ({
        ...portalMedia(i + 1, seed, 1),
        AlternativeHashes: [{ HashName: 'PDQ', HashValue: hashesOf(seed).pdq }],
      })),
    ),
  );
  await hashSetImportService.importFile(db(), file, {
    name,
    purpose: 'known',
    source: 'test',
    licence: null,
    trust,
    providerShared: false,
    mode: 'replace',
    dryRun: false,
    bestEffort: false,
    baseline: false,
    actor: systemActor('test'),
  });
}

const byMd5 = (seed: string): Probe => ({
  exact: [{ signal: 'md5', value: Buffer.from(hashesOf(seed).md5, 'hex') }],
  perceptual: [],
});
const byPdq = (seed: string): Probe => ({
  exact: [],
  perceptual: [
    {
      signal: 'pdq',
      quality: 100,
      variants: [{ name: 'original', bytes: Buffer.from(hashesOf(seed).pdq, 'hex') }],
    },
  ],
});

describe('HashSetMatcher', () => {
  it('builds only the sets that are new or changed, and matches across all of them', async () => {
    const matcher = new HashSetMatcher({ maxDistance: 31, minQuality: 50 });
    const big = Array.from({ length: 3000 }, (_, i) => `big-${i}`);
    await importSet('big', big);
    expect(await matcher.match(db(), byMd5('big-2999'))).toEqual([
      expect.objectContaining({ list: 'big', match: 'exact' }),
    ]);
    expect(matcher.lastRefresh).toEqual({ built: 1, kept: 0 });

    // A second set: built alone; the big one is kept as it was, and both match.
    await importSet('small', ['small-1', 'big-5']);
    expect((await matcher.match(db(), byMd5('big-5'))).map((m) => m.list)).toEqual(['big', 'small']);
    expect(matcher.lastRefresh).toEqual({ built: 1, kept: 1 });
    expect(await matcher.match(db(), byPdq('small-1'))).toEqual([
      expect.objectContaining({ list: 'small', match: 'near', distance: 0 }),
    ]);
    // Nothing changed: no refresh at all.
    await matcher.match(db(), byMd5('small-1'));
    expect(matcher.lastRefresh).toEqual({ built: 1, kept: 1 });

    // A changed description (trust) rebuilds that set, and the match says the new trust.
    await importSet('small', ['small-1', 'big-5'], 'unverified');
    expect(await matcher.match(db(), byMd5('small-1'))).toEqual([
      expect.objectContaining({ list: 'small', trust: 'unverified' }),
    ]);
    expect(matcher.lastRefresh).toEqual({ built: 1, kept: 1 });

    // Entries removed by a new edition stop matching; a negative-bank entry rebuilds that set only.
    await importSet('small', ['small-2']);
    expect(await matcher.match(db(), byMd5('small-1'))).toEqual([]);
    await hashSetService.addFalsePositive(db(), {
      name: 'small',
      pdq: hashesOf('small-2').pdq,
      reason: 'reviewed',
      actor: systemActor('test'),
    });
    expect(await matcher.match(db(), byPdq('small-2'))).toEqual([]);
    expect(matcher.lastRefresh).toEqual({ built: 1, kept: 1 });

    // A deleted set disappears from matching.
    await db().query(`DELETE FROM hash_sets WHERE name = 'small'`);
    expect(await matcher.match(db(), byMd5('small-2'))).toEqual([]);
    expect(matcher.lastRefresh).toEqual({ built: 0, kept: 1 });
  });
});

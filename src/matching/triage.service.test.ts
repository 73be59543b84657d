// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { imageDraft } from '../../test/support/factories.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Haven } from '#haven/app/haven.js';
import { agencyService } from '#haven/accounts/agency.service.js';
import { caseService } from '#haven/cases/case.service.js';
import { ingestRepository } from '#haven/ingest/ingest.repository.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import { TriageService } from '#haven/matching/triage.service.js';
import type { Probe, TriageMatch } from '#haven/matching/triage.types.js';
import { mediaService } from '#haven/media/media.service.js';
import { PDQ_DIHEDRAL_NAMES } from '#haven/signals/pdq/pdq-hasher.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
// eslint-disable-next-line no-restricted-imports -- test support lives outside src
import { freshDataDir, openTestHaven } from '../../test/support/haven-fixture.js';

async function withHaven(work: (haven: Haven) => Promise<void>): Promise<void> {
  const haven = await openTestHaven(freshDataDir());
  try {
    await work(haven);
  } finally {
    await haven.close();
  }
}

/** A new ingest into the case with this reference (created on first use). */
async function newIngest(haven: Haven, caseReference: string): Promise<{ ingestId: string; caseId: string }> {
  const caseRecord = await caseService.ensure(
    haven.db,
    caseReference,
    'tester',
    (await agencyService.ensureLocal(haven.db, 'Local', 'XX')).id,
  );
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
  return { ingestId, caseId: caseRecord.id };
}

interface Hashes {
  readonly sha256: Buffer;
  readonly md5: Buffer;
  readonly sha1: Buffer;
  readonly pdq?: Uint8Array;
  readonly pdqQuality?: number;
}

/** Hashes of some random content (crypto hashes consistent with each other). */
function hashesOf(bytes = randomBytes(256)): Hashes {
  return {
    sha256: createHash('sha256').update(bytes).digest(),
    md5: createHash('md5').update(bytes).digest(),
    sha1: createHash('sha1').update(bytes).digest(),
  };
}

/** Records a medium (once) and an occurrence of it in the ingest's case, then brings the indexes up to date. */
async function hold(
  haven: Haven,
  ingest: { ingestId: string; caseId: string },
  hashes: Hashes,
): Promise<{ mediaId: string; sha256: string }> {
  const mediaId = await haven.db.transaction(async (tx) => {
    const { media } = await mediaService.record(
      tx,
      imageDraft({ sha256: hashes.sha256, size: 256 }),
      ingest.ingestId,
    );
    await signalValuesService.record(tx, media.id, [
      { signal: 'sha256', value: hashes.sha256, quality: null, pipeline: 'sha256-v1' },
      { signal: 'md5', value: hashes.md5, quality: null, pipeline: 'md5-v1' },
      { signal: 'sha1', value: hashes.sha1, quality: null, pipeline: 'sha1-v1' },
      ...(hashes.pdq
        ? [
            {
              signal: 'pdq',
              value: hashes.pdq,
              quality: hashes.pdqQuality ?? 100,
              pipeline: pdqSignal.pipelineVersion,
            },
          ]
        : []),
    ]);
    await mediaService.recordFile(tx, {
      mediaId: media.id,
      caseId: ingest.caseId,
      ingestId: ingest.ingestId,
      sourcePath: `/evidence/${hashes.sha256.toString('hex').slice(0, 8)}.jpg`,
      sourcePathKey: Buffer.from(`/evidence/${hashes.sha256.toString('hex')}.jpg`),
      containerSha256: null,
      size: 256,
      modifiedAt: null,
      accessedAt: null,
      changedAt: null,
      bornAt: null,
    });
    return media.id;
  });
  await haven.indexes.refresh();
  return { mediaId, sha256: hashes.sha256.toString('hex') };
}

/** The hash with its first `bits` bits flipped: at Hamming distance exactly `bits`. */
function flip(hash: Uint8Array, bits: number, from = 0): Uint8Array {
  const out = Uint8Array.from(hash);
  for (let bit = from; bit < from + bits; bit += 1) {
    out[bit >> 3]! ^= 1 << (bit & 7);
  }
  return out;
}

/** The bitwise complement: distance 256 from `hash`, far from everything near it. */
function far(hash: Uint8Array): Uint8Array {
  return hash.map((byte) => ~byte & 0xff);
}

function probeOf(
  hashes: Partial<Hashes>,
  pdq?: { readonly variants: readonly Uint8Array[]; readonly quality?: number | null },
): Probe {
  const exact = (['sha256', 'md5', 'sha1'] as const).flatMap((signal) => {
    const value = hashes[signal];
    return value ? [{ signal, value }] : [];
  });
  return {
    exact,
    perceptual: pdq
      ? [
          {
            signal: 'pdq',
            quality: pdq.quality === undefined ? 100 : pdq.quality,
            variants: pdq.variants.map((bytes, i) => ({ name: PDQ_DIHEDRAL_NAMES[i]!, bytes })),
          },
        ]
      : [],
  };
}

/** The probe's own hash plus seven unrelated (random: ~128 bits from anything) variants. */
function plainVariants(original: Uint8Array): Uint8Array[] {
  return [original, ...Array.from({ length: 7 }, () => randomBytes(32))];
}

const summary = (match: TriageMatch) => [match.sha256, match.signal, match.distance, match.transform];

describe('TriageService: exact matches', () => {
  it('finds a held copy by SHA-256 and names its case', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const hashes = hashesOf();
      const held = await hold(haven, ingest, hashes);
      await hold(haven, ingest, hashesOf()); // something else held

      const result = await haven.triage.triage(haven.db, probeOf(hashes));
      expect(result).toEqual({
        status: 'exact',
        matches: [
          {
            mediaId: held.mediaId,
            sha256: held.sha256,
            distance: 0,
            signal: 'sha256',
            transform: null,
            kind: 'image',
            cases: ['CASE-A'],
          },
        ],
      });
      expect(await haven.triage.triage(haven.db, probeOf(hashesOf()))).toEqual({
        status: 'new',
        matches: [],
      });
    });
  });

  it('reports agreement on MD5 alone (or SHA-1 alone) as such', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const held = hashesOf();
      const heldRef = await hold(haven, ingest, held);
      const other = hashesOf();

      const byMd5 = await haven.triage.triage(haven.db, probeOf({ ...other, md5: held.md5 }));
      expect(byMd5.status).toBe('exact');
      expect(byMd5.matches.map(summary)).toEqual([[heldRef.sha256, 'md5', 0, null]]);

      const bySha1 = await haven.triage.triage(haven.db, probeOf({ ...other, sha1: held.sha1 }));
      expect(bySha1.matches.map(summary)).toEqual([[heldRef.sha256, 'sha1', 0, null]]);

      // SHA-256 agreement wins over the others whatever order the rows come back in.
      const all = await haven.triage.triage(haven.db, probeOf(held));
      expect(all.matches.map(summary)).toEqual([[heldRef.sha256, 'sha256', 0, null]]);
    });
  });

  it('lists every case a matched medium occurs in, and media of other cases with their references', async () => {
    await withHaven(async (haven) => {
      const first = await newIngest(haven, 'CASE-B');
      const second = await newIngest(haven, 'CASE-A');
      const elsewhere = await newIngest(haven, 'CASE-C');
      const shared = hashesOf();
      const sharedRef = await hold(haven, first, shared);
      await hold(haven, second, shared); // the same content seen again, in another case
      const onlyC = hashesOf();
      const onlyCRef = await hold(haven, elsewhere, onlyC);

      const result = await haven.triage.triage(haven.db, probeOf(shared));
      expect(result.matches.map((match) => [match.mediaId, match.cases])).toEqual([
        [sharedRef.mediaId, ['CASE-A', 'CASE-B']],
      ]);
      const otherCase = await haven.triage.triage(haven.db, probeOf(onlyC));
      expect(otherCase.matches.map((match) => [match.mediaId, match.cases])).toEqual([
        [onlyCRef.mediaId, ['CASE-C']],
      ]);
    });
  });
});

describe('TriageService: near matches', () => {
  it('finds a PDQ hash within the threshold (inclusive) and not one bit beyond', async () => {
    await withHaven(async (haven) => {
      expect(haven.config.matching.pdqMaxDistance).toBe(31);
      const ingest = await newIngest(haven, 'CASE-A');
      const stored = randomBytes(32);
      const held = await hold(haven, ingest, { ...hashesOf(), pdq: stored });

      for (const distance of [0, 1, 17, 31]) {
        const result = await haven.triage.triage(
          haven.db,
          probeOf(hashesOf(), { variants: plainVariants(flip(stored, distance, 100)) }),
        );
        expect(result.status, `distance ${distance}`).toBe('near');
        expect(result.matches.map(summary)).toEqual([[held.sha256, 'pdq', distance, null]]);
      }
      const beyond = await haven.triage.triage(
        haven.db,
        probeOf(hashesOf(), { variants: plainVariants(flip(stored, 32, 100)) }),
      );
      expect(beyond).toEqual({ status: 'new', matches: [] });
    });
  });

  it('does not query a probe hash below the minimum quality, nor find stored hashes below it', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const good = randomBytes(32);
      const weak = randomBytes(32);
      await hold(haven, ingest, { ...hashesOf(), pdq: good });
      await hold(haven, ingest, { ...hashesOf(), pdq: weak, pdqQuality: 49 });

      const weakProbe = probeOf(hashesOf(), { variants: plainVariants(good), quality: 49 });
      expect((await haven.triage.triage(haven.db, weakProbe)).status).toBe('new');
      const noQuality = probeOf(hashesOf(), { variants: plainVariants(good), quality: null });
      expect((await haven.triage.triage(haven.db, noQuality)).status).toBe('new');
      const weakStored = probeOf(hashesOf(), { variants: plainVariants(weak) });
      expect((await haven.triage.triage(haven.db, weakStored)).status).toBe('new');
      const fine = probeOf(hashesOf(), { variants: plainVariants(good), quality: 50 });
      expect((await haven.triage.triage(haven.db, fine)).status).toBe('near');
    });
  });

  it('finds rotated or mirrored copies through the variants only when variants are used', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const stored = randomBytes(32);
      const held = await hold(haven, ingest, { ...hashesOf(), pdq: stored });
      // The probe itself is far away; its 4th variant is 4 bits from the held hash.
      const variants = plainVariants(far(stored));
      variants[3] = flip(stored, 4);
      const probe = probeOf(hashesOf(), { variants });

      const withVariants = await haven.triage.triage(haven.db, probe);
      expect(withVariants.status).toBe('near');
      expect(withVariants.matches.map(summary)).toEqual([[held.sha256, 'pdq', 4, PDQ_DIHEDRAL_NAMES[3]]]);

      const settings = {
        maxDistance: haven.config.matching.pdqMaxDistance,
        minQuality: haven.config.matching.pdqMinQuality,
        useVariants: false,
      };
      const originalOnly = new TriageService(haven.indexes, new Map([['pdq', settings]]));
      expect(await originalOnly.triage(haven.db, probe)).toEqual({ status: 'new', matches: [] });
    });
  });

  it('keeps the closest way a medium matches, preferring the probe itself on a tie', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const stored = randomBytes(32);
      const held = await hold(haven, ingest, { ...hashesOf(), pdq: stored });

      const closerVariant = plainVariants(flip(stored, 10));
      closerVariant[5] = flip(stored, 3, 50);
      expect(
        (await haven.triage.triage(haven.db, probeOf(hashesOf(), { variants: closerVariant }))).matches.map(
          summary,
        ),
      ).toEqual([[held.sha256, 'pdq', 3, PDQ_DIHEDRAL_NAMES[5]]]);

      const tie = plainVariants(flip(stored, 3));
      tie[2] = flip(stored, 3, 90);
      expect(
        (await haven.triage.triage(haven.db, probeOf(hashesOf(), { variants: tie }))).matches.map(summary),
      ).toEqual([[held.sha256, 'pdq', 3, null]]);
    });
  });
});

describe('TriageService: what counts as held, and order', () => {
  it('leaves out media first recorded by the excluded ingest, and its occurrences from case lists', async () => {
    await withHaven(async (haven) => {
      const earlier = await newIngest(haven, 'CASE-A');
      const current = await newIngest(haven, 'CASE-B');
      const stored = randomBytes(32);
      const before = hashesOf();
      const beforeRef = await hold(haven, earlier, before);
      await hold(haven, current, before); // seen again by the current ingest
      const mine = { ...hashesOf(), pdq: stored };
      const mineRef = await hold(haven, current, mine);

      const options = { excludeIngestId: current.ingestId };
      expect(await haven.triage.triage(haven.db, probeOf(mine), options)).toEqual({
        status: 'new',
        matches: [],
      });
      const nearMine = probeOf(hashesOf(), { variants: plainVariants(flip(stored, 2)) });
      expect(await haven.triage.triage(haven.db, nearMine, options)).toEqual({ status: 'new', matches: [] });

      const held = await haven.triage.triage(haven.db, probeOf(before), options);
      expect(held.matches.map((match) => [match.mediaId, match.cases])).toEqual([
        [beforeRef.mediaId, ['CASE-A']],
      ]);

      // Without the exclusion the current ingest's media are held like any other.
      const unrestricted = await haven.triage.triage(haven.db, probeOf(mine));
      expect(unrestricted.matches.map((match) => [match.mediaId, match.cases])).toEqual([
        [mineRef.mediaId, ['CASE-B']],
      ]);
      const allCases = await haven.triage.triage(haven.db, probeOf(before));
      expect(allCases.matches[0]?.cases).toEqual(['CASE-A', 'CASE-B']);
    });
  });

  it('orders exact matches first (by SHA-256), then near ones by distance (ties by SHA-256), each medium once', async () => {
    await withHaven(async (haven) => {
      const ingest = await newIngest(haven, 'CASE-A');
      const centre = randomBytes(32);
      const probeHashes = hashesOf();
      // Exact by SHA-256, and also 1 bit away in PDQ: listed once, as exact.
      const exactCopy = await hold(haven, ingest, { ...probeHashes, pdq: flip(centre, 1, 200) });
      // Exact by MD5 only.
      const md5Twin = await hold(haven, ingest, { ...hashesOf(), md5: probeHashes.md5 });
      const near5 = await hold(haven, ingest, { ...hashesOf(), pdq: flip(centre, 5) });
      const near2a = await hold(haven, ingest, { ...hashesOf(), pdq: flip(centre, 2, 10) });
      const near2b = await hold(haven, ingest, { ...hashesOf(), pdq: flip(centre, 2, 20) });
      const near31 = await hold(haven, ingest, { ...hashesOf(), pdq: flip(centre, 31, 40) });
      await hold(haven, ingest, { ...hashesOf(), pdq: flip(centre, 40, 80) }); // too far

      const result = await haven.triage.triage(
        haven.db,
        probeOf(probeHashes, { variants: plainVariants(centre) }),
      );
      expect(result.status).toBe('exact');
      const exactFirst = [
        [exactCopy.sha256, 'sha256', 0, null],
        [md5Twin.sha256, 'md5', 0, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
      const twos = [near2a.sha256, near2b.sha256].sort();
      expect(result.matches.map(summary)).toEqual([
        ...exactFirst,
        [twos[0], 'pdq', 2, null],
        [twos[1], 'pdq', 2, null],
        [near5.sha256, 'pdq', 5, null],
        [near31.sha256, 'pdq', 31, null],
      ]);
    });
  });
});

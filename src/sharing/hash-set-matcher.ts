import type { ListMatch, ListMatcher, Probe } from '#haven/matching/triage.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { classOf, type CategoryClass } from '#haven/sharing/categories/crosswalk.js';
import { HeldHashes, type HeldHit } from '#haven/sharing/hash-list/held-hashes.js';
import { hashSetRepository } from '#haven/sharing/hash-set.repository.js';
import type { HashSetPurpose, SetScheme, TrustLevel } from '#haven/sharing/hash-set.types.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';

/** What a hit on a held entry tells: its set and category, never the entry's identity. */
export interface SetEntryInfo {
  readonly setId: string;
  readonly setName: string;
  readonly purpose: HashSetPurpose;
  readonly trust: TrustLevel;
  readonly scheme: SetScheme;
  readonly providerShared: boolean;
  readonly category: string | null;
  readonly baseline: boolean;
  readonly classification: CategoryClass;
}

export interface HeldSets {
  readonly held: HeldHashes<SetEntryInfo>;
  /** Confirmed false positives per set (PDQ). */
  readonly negatives: ReadonlyMap<string, readonly Uint8Array[]>;
}

const PAGE = 20_000;

/**
 * Every active hash-set entry in memory (exact tables and a PDQ index), rebuilt when any set
 * changes (one small query per use tells). Serves triage, `match`, `/lookup` and the provider API.
 */
export class HashSetMatcher implements ListMatcher {
  readonly #maxDistance: number;
  readonly #minQuality: number;
  #cache: { fingerprint: string; sets: HeldSets } | null = null;
  #building: Promise<HeldSets> | null = null;

  constructor(settings: { maxDistance: number; minQuality: number }) {
    this.#maxDistance = settings.maxDistance;
    this.#minQuality = settings.minQuality;
  }

  get maxDistance(): number {
    return this.#maxDistance;
  }

  async sets(db: Queryable): Promise<HeldSets> {
    const fingerprint = await hashSetRepository.fingerprint(db);
    if (this.#cache?.fingerprint === fingerprint) {
      return this.#cache.sets;
    }
    this.#building ??= load(db).finally(() => {
      this.#building = null;
    });
    const sets = await this.#building;
    this.#cache = { fingerprint, sets };
    return sets;
  }

  async match(db: Queryable, probe: Probe): Promise<ListMatch[]> {
    return matchHeld(await this.sets(db), probe, {
      maxDistance: this.#maxDistance,
      minQuality: this.#minQuality,
    });
  }
}

/** Matches one probe against held sets: exact on crypto hashes, near on PDQ and its variants. */
export function matchHeld(
  sets: HeldSets,
  probe: Probe,
  settings: { maxDistance: number; minQuality: number },
): ListMatch[] {
  const { held, negatives } = sets;
  if (held.size === 0) {
    return [];
  }
  const hits: { hit: HeldHit<SetEntryInfo>; match: 'exact' | 'near'; transform: string | null }[] = [];
  for (const exact of probe.exact) {
    if (exact.signal === 'md5' || exact.signal === 'sha1' || exact.signal === 'sha256') {
      for (const hit of held.exact(exact.signal, exact.value)) {
        hits.push({ hit, match: 'exact', transform: null });
      }
    }
  }
  for (const perceptual of probe.perceptual) {
    if (perceptual.signal !== 'pdq' || (perceptual.quality ?? 0) < settings.minQuality) {
      continue;
    }
    perceptual.variants.forEach((variant, position) => {
      for (const hit of held.near(variant.bytes, settings.maxDistance)) {
        if (!suppressed(negatives, hit.info.setId, variant.bytes, settings.maxDistance)) {
          hits.push({ hit, match: 'near', transform: position === 0 ? null : variant.name });
        }
      }
    });
  }
  return summarise(hits);
}

/** A probe near a set's confirmed false positive does not near-match that set. */
export function suppressed(
  negatives: ReadonlyMap<string, readonly Uint8Array[]>,
  setId: string,
  probe: Uint8Array,
  maxDistance: number,
): boolean {
  const list = negatives.get(setId);
  return list !== undefined && list.some((negative) => pdqSignal.distance(negative, probe) <= maxDistance);
}

/** One line per set: its closest hit (exact before near), with the set's category of that entry. */
function summarise(
  hits: readonly { hit: HeldHit<SetEntryInfo>; match: 'exact' | 'near'; transform: string | null }[],
): ListMatch[] {
  const bySet = new Map<string, (typeof hits)[number]>();
  for (const candidate of hits) {
    const previous = bySet.get(candidate.hit.info.setId);
    const rank = (c: (typeof hits)[number]): number => (c.match === 'exact' ? -1 : c.hit.distance);
    if (!previous || rank(candidate) < rank(previous)) {
      bySet.set(candidate.hit.info.setId, candidate);
    }
  }
  return [...bySet.values()]
    .map(({ hit, match, transform }) => ({
      list: hit.info.setName,
      purpose: hit.info.purpose,
      match,
      signal: hit.type,
      distance: hit.distance,
      transform,
      scheme: hit.info.scheme,
      category: hit.info.category,
      classification: hit.info.classification,
      baseline: hit.info.baseline,
      trust: hit.info.trust,
    }))
    .sort((a, b) => a.list.localeCompare(b.list));
}

async function load(db: Queryable): Promise<HeldSets> {
  const builder = HeldHashes.builder<SetEntryInfo>();
  let after = 0;
  for (;;) {
    const page = await hashSetRepository.activePage(db, after, PAGE);
    for (const row of page) {
      after = row.entryId;
      const info: SetEntryInfo = {
        setId: row.setId,
        setName: row.setName,
        purpose: row.purpose,
        trust: row.trust,
        scheme: row.scheme,
        providerShared: row.providerShared,
        category: row.category,
        baseline: row.baseline,
        classification: row.purpose === 'known_good' ? 'non_pertinent' : classOf(row.scheme, row.category),
      };
      builder.add(
        { md5: row.md5, sha1: row.sha1, sha256: row.sha256, pdq: row.purpose === 'known' ? row.pdq : null },
        info,
        `${row.setId}|${row.category ?? ''}|${row.baseline}`,
      );
    }
    if (page.length < PAGE) {
      break;
    }
  }
  const negatives = new Map<string, Uint8Array[]>();
  for (const negative of await hashSetRepository.negativeHashes(db)) {
    const list = negatives.get(negative.setId) ?? [];
    list.push(negative.pdq);
    negatives.set(negative.setId, list);
  }
  return { held: builder.build(), negatives };
}

import type { ListMatch, ListMatcher, Probe } from '#haven/matching/triage.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { classOf, type CategoryClass } from '#haven/sharing/categories/crosswalk.js';
import { HeldGroup, type HeldLookup } from '#haven/sharing/hash-list/held-group.js';
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
  readonly held: HeldLookup<SetEntryInfo>;
  /** Confirmed false positives per set (PDQ). */
  readonly negatives: ReadonlyMap<string, readonly Uint8Array[]>;
}

const PAGE = 20_000;

/**
 * Every active hash-set entry in memory (exact tables and a PDQ index per set). One small query per
 * use tells which sets changed (revision or description); only those are read and built again, so
 * adding a set of thousands to millions of held hashes costs the thousands. Serves triage, `match`,
 * `/lookup` and the provider API.
 */
export class HashSetMatcher implements ListMatcher {
  readonly #maxDistance: number;
  readonly #minQuality: number;
  #cache: { fingerprint: string; sets: HeldSets } | null = null;
  readonly #parts = new Map<string, { version: string; held: HeldHashes<SetEntryInfo> }>();
  #building: Promise<HeldSets> | null = null;
  /** What the last refresh did: sets built (new or changed) and sets kept as they were. */
  lastRefresh = { built: 0, kept: 0 };

  constructor(settings: { maxDistance: number; minQuality: number }) {
    this.#maxDistance = settings.maxDistance;
    this.#minQuality = settings.minQuality;
  }

  get maxDistance(): number {
    return this.#maxDistance;
  }

  async sets(db: Queryable): Promise<HeldSets> {
    const versions = await hashSetRepository.versions(db);
    const fingerprint = versions.map((v) => `${v.id}:${v.version}`).join(',');
    if (this.#cache?.fingerprint === fingerprint) {
      return this.#cache.sets;
    }
    this.#building ??= this.#refresh(db, versions).finally(() => {
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

  /** Builds the sets that are new or changed, drops the ones gone, keeps the rest as they are. */
  async #refresh(db: Queryable, versions: readonly { id: string; version: string }[]): Promise<HeldSets> {
    const current = new Set(versions.map((v) => v.id));
    for (const id of [...this.#parts.keys()]) {
      if (!current.has(id)) {
        this.#parts.delete(id);
      }
    }
    const refresh = { built: 0, kept: 0 };
    for (const { id, version } of versions) {
      if (this.#parts.get(id)?.version === version) {
        refresh.kept += 1;
      } else {
        this.#parts.set(id, { version, held: await loadSet(db, id) });
        refresh.built += 1;
      }
    }
    this.lastRefresh = refresh;
    const negatives = new Map<string, Uint8Array[]>();
    for (const negative of await hashSetRepository.negativeHashes(db)) {
      const list = negatives.get(negative.setId) ?? [];
      list.push(negative.pdq);
      negatives.set(negative.setId, list);
    }
    return { held: new HeldGroup([...this.#parts.values()].map((part) => part.held)), negatives };
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

/** One set's active entries, read a page at a time, as its own tables and PDQ index. */
async function loadSet(db: Queryable, setId: string): Promise<HeldHashes<SetEntryInfo>> {
  const builder = HeldHashes.builder<SetEntryInfo>();
  let after = 0;
  for (;;) {
    const page = await hashSetRepository.activePageOfSet(db, setId, after, PAGE);
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
        `${row.category ?? ''}|${row.baseline}`,
      );
    }
    if (page.length < PAGE) {
      return builder.build();
    }
  }
}

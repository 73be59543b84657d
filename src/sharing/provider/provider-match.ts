import type { HeldLookup } from '#haven/sharing/hash-list/held-group.js';
import type { HeldHit } from '#haven/sharing/hash-list/held-hashes.js';
import type { CategoryClass } from '#haven/sharing/categories/crosswalk.js';

export const PROVIDER_HASH_TYPES = ['md5', 'sha1', 'pdq'] as const;
export type ProviderHashType = (typeof PROVIDER_HASH_TYPES)[number];

export interface ProviderHash {
  readonly type: ProviderHashType;
  /** Hexadecimal, already validated for its type. */
  readonly value: string;
}

/** What a provider may learn of a match: never a series, an agency or an identifier. */
export type ProviderResult =
  | { readonly result: 'no-known-match' }
  | {
      readonly result: 'match';
      readonly match: 'exact' | 'near';
      readonly distance: number;
      readonly classification: CategoryClass;
      readonly baseline: boolean;
    };

export interface Classified {
  readonly classification: CategoryClass;
  readonly baseline: boolean;
}

const SEVERITY: readonly CategoryClass[] = [
  'csam',
  'exploitative',
  'cgi',
  'reference',
  'non_pertinent',
  'uncategorised',
];

/**
 * Matches a batch of hashes: MD5/SHA-1 exactly, PDQ within `maxDistance`. `keep` drops hits the
 * caller must not report (entitlement, negative banks). Of several hits the closest wins, then the
 * most severe classification; Baseline is reported if any kept hit is Baseline.
 */
export function matchHashes<T extends Classified>(
  held: HeldLookup<T>,
  hashes: readonly ProviderHash[],
  maxDistance: number,
  keep: (hit: HeldHit<T>, probe: Uint8Array) => boolean = () => true,
): ProviderResult[] {
  return hashes.map((hash) => {
    const probe = Buffer.from(hash.value, 'hex');
    const hits = (hash.type === 'pdq' ? held.near(probe, maxDistance) : held.exact(hash.type, probe)).filter(
      (hit) => keep(hit, probe),
    );
    return best(hits, hash.type === 'pdq' ? 'near' : 'exact');
  });
}

export function best<T extends Classified>(
  hits: readonly HeldHit<T>[],
  match: 'exact' | 'near',
): ProviderResult {
  if (hits.length === 0) {
    return { result: 'no-known-match' };
  }
  const chosen = [...hits].sort(
    (a, b) =>
      a.distance - b.distance ||
      SEVERITY.indexOf(a.info.classification) - SEVERITY.indexOf(b.info.classification),
  )[0]!;
  return {
    result: 'match',
    match,
    distance: chosen.distance,
    classification: chosen.info.classification,
    baseline: hits.some((hit) => hit.info.baseline && hit.distance === chosen.distance),
  };
}

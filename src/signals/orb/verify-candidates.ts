import type { LocalFeatures } from './orb-features.js';
import { PreparedQuery } from './descriptor-matching.js';
import { verifyPrepared, type Verification, type VerifyOptions } from './geometric-verification.js';

/** The query as taken, and left-right flipped (points in the unflipped query's pixels). */
export interface ProbeFeatures {
  readonly direct: LocalFeatures;
  readonly mirrored: LocalFeatures | null;
}

export interface VerifiedCandidate<T> {
  readonly candidate: T;
  readonly verification: Verification;
  /** The candidate shows the query flipped left to right. */
  readonly mirrored: boolean;
}

/**
 * Verifies each candidate against the query the way the index proposed it: as is when the direct
 * query proposed it, flipped when the mirrored query did, both when both did; the better one counts.
 */
export async function verifyCandidates<T extends LocalFeatures>(
  probe: ProbeFeatures,
  proposed: { readonly direct: ReadonlySet<number>; readonly mirrored: ReadonlySet<number> },
  candidates: readonly T[],
  idOf: (candidate: T) => number,
  options: VerifyOptions,
): Promise<VerifiedCandidate<T>[]> {
  const direct = new PreparedQuery(probe.direct, options.search ?? null);
  const mirrored = probe.mirrored ? new PreparedQuery(probe.mirrored, options.search ?? null) : null;
  const verified: VerifiedCandidate<T>[] = [];
  for (const candidate of candidates) {
    let best: VerifiedCandidate<T> | null = null;
    if (proposed.direct.has(idOf(candidate))) {
      best = { candidate, verification: await verifyPrepared(direct, candidate, options), mirrored: false };
    }
    if (mirrored && proposed.mirrored.has(idOf(candidate))) {
      const verification = await verifyPrepared(mirrored, candidate, options);
      if (!best || verification.inliers > best.verification.inliers) {
        best = { candidate, verification, mirrored: true };
      }
    }
    if (best) {
      verified.push(best);
    }
  }
  return verified;
}

/** How many of the mirrored query's best candidates are verified: flipped copies are the rarer case. */
export function mirroredBreadth(verifyBreadth: number): number {
  return Math.ceil(verifyBreadth / 2);
}

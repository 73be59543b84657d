/**
 * The recall section of bench:similarity: on the shared scene/object groups, recall@1 and
 * recall@10 of local features alone (ORB + inverted file + homographies, accepted at the inlier
 * threshold), of the global descriptor alone (nearest neighbours, no threshold) and of the fusion
 * the service runs (both candidate sources, accepted by inliers OR global similarity), and of the
 * service's whole ranking with the unconfirmed candidates after the matches, in the same run; precision at the default thresholds; extraction time per image; and the calibration of the
 * global threshold on pairs that are unrelated by construction (test photos against generated
 * pictures) and on a held-out half of the groups.
 */
import type { BinaryVocabulary } from '#haven/signals/orb/binary-vocabulary.js';
import type { InvertedFile } from '#haven/signals/orb/inverted-file.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { DEFAULT_BRANCH_SEARCH } from '#haven/signals/orb/descriptor-matching.js';
import { mirroredBreadth, verifyCandidates } from '#haven/signals/orb/verify-candidates.js';
import { gemSignal } from '#haven/signals/gem/gem-signal.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { fuse } from '#haven/similarity/similarity-fusion.js';

export interface RecallItem {
  readonly group: string;
  readonly kind: string;
  readonly features: LocalFeatures;
  readonly mirrored: LocalFeatures;
  readonly image: () => Promise<DecodedImage>;
}

interface Match {
  readonly id: number;
  readonly inliers: number;
  readonly similarity: number;
  readonly score: number;
  readonly accepted: boolean;
}

const round = (value: number): number => Math.round(value * 1000) / 1000;

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? 0;
}

/** A stable split of the groups in two halves (FNV-1a of the group name), independent of the labels' content. */
function calibrationHalf(group: string): boolean {
  let hash = 0x811c9dc5;
  for (let i = 0; i < group.length; i += 1) {
    hash = Math.imul(hash ^ group.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash % 2 === 0;
}

export async function recallComparison(
  held: readonly RecallItem[],
  index: InvertedFile,
  vocabulary: BinaryVocabulary,
  distractorImages: readonly (() => Promise<DecodedImage>)[],
): Promise<void> {
  // Ids are 1..held.length, as in the inverted file.
  const describeStarted = performance.now();
  const vectors: Float32Array[] = [];
  const mirroredVectors: Float32Array[] = [];
  for (const item of held) {
    const image = await item.image();
    vectors.push(await gemSignal.describe(image));
    mirroredVectors.push(await gemSignal.describe(image, null, true));
  }
  const describeMs = (performance.now() - describeStarted) / (held.length * 2);
  const globalIndex = gemSignal.createIndex();
  vectors.forEach((vector, i) => {
    globalIndex.add(i + 1, vector);
  });
  const similarity = (query: number, id: number): number =>
    Math.max(
      gemSignal.similarity(vectors[query]!, vectors[id - 1]!),
      gemSignal.similarity(mirroredVectors[query]!, vectors[id - 1]!),
    );

  const queries = held
    .map((item, i) => ({ item, i }))
    .filter(
      ({ item, i }) => item.kind !== 'negative' && held.some((o, j) => j !== i && o.group === item.group),
    );
  const tally = { orb: [0, 0, 0, 0], fused: [0, 0, 0, 0], ranked: [0, 0, 0, 0], global: [0, 0] };
  const thresholds = SIMILARITY_DEFAULTS;
  let queryMs = 0;
  for (const { item, i } of queries) {
    const started = performance.now();
    const breadth = thresholds.verifyCandidates + 1;
    const direct = index.query(orbSignal.words(vocabulary, item.features), breadth).map((c) => c.id);
    const flipped = index
      .query(orbSignal.words(vocabulary, item.mirrored), mirroredBreadth(breadth))
      .map((c) => c.id);
    const near = [
      ...globalIndex.query(vectors[i]!, thresholds.globalCandidates + 1),
      ...globalIndex.query(mirroredVectors[i]!, thresholds.globalCandidates + 1),
    ].map((hit) => hit.id);
    const ids = [...new Set([...direct, ...flipped, ...near])].filter((id) => id !== i + 1);
    const verified = await verifyCandidates(
      { direct: item.features, mirrored: item.mirrored },
      { direct: new Set([...direct, ...near]), mirrored: new Set([...flipped, ...near]) },
      ids.map((id) => ({ ...held[id - 1]!.features, id })),
      (candidate) => candidate.id,
      // As the service verifies: within vocabulary branches, hopeless candidates cut short.
      {
        allowSecondPlane: true,
        search: { vocabulary, ...DEFAULT_BRANCH_SEARCH },
        minInliers: thresholds.minInliers,
      },
    );
    queryMs += performance.now() - started;
    const inliersOf = new Map(verified.map((v) => [v.candidate.id, v.verification.inliers]));
    const orbIds = new Set([...direct, ...flipped]);
    const matches: Match[] = ids.map((id) => {
      const inliers = inliersOf.get(id) ?? 0;
      const sim = similarity(i, id);
      return { id, inliers, similarity: sim, ...fuse(inliers, sim, thresholds) };
    });
    const same = (m: { id: number }): boolean => held[m.id - 1]!.group === item.group;
    const orb = matches
      .filter((m) => orbIds.has(m.id) && m.inliers >= thresholds.minInliers)
      .sort((a, b) => b.inliers - a.inliers || a.id - b.id);
    // What the service returns with unconfirmed candidates: matches first, then the rest by score.
    const ranked = [...matches].sort(
      (a, b) =>
        Number(b.accepted) - Number(a.accepted) || b.score - a.score || b.inliers - a.inliers || a.id - b.id,
    );
    const fused = ranked.filter((m) => m.accepted);
    const globalOnly = globalIndex
      .query(vectors[i]!, 11)
      .concat(globalIndex.query(mirroredVectors[i]!, 11))
      .filter((hit) => hit.id !== i + 1)
      .sort((a, b) => b.similarity - a.similarity);
    const distinct = [...new Map(globalOnly.map((hit) => [hit.id, hit])).values()];
    for (const [name, list] of [
      ['orb', orb],
      ['fused', fused],
      ['ranked', ranked],
    ] as const) {
      const counts = tally[name];
      counts[0]! += list[0] && same(list[0]) ? 1 : 0;
      counts[1]! += list.slice(0, 10).some(same) ? 1 : 0;
      counts[2]! += list.length;
      counts[3]! += list.filter(same).length;
    }
    tally.global[0]! += distinct[0] && same(distinct[0]) ? 1 : 0;
    tally.global[1]! += distinct.slice(0, 10).some(same) ? 1 : 0;
  }

  // Calibration 1: test photos against generated pictures, unrelated by construction.
  const generated: number[] = [];
  for (const image of distractorImages) {
    const vector = await gemSignal.describe(await image());
    for (let i = 0; i < held.length; i += 1) {
      generated.push(
        Math.max(
          gemSignal.similarity(vectors[i]!, vector),
          gemSignal.similarity(mirroredVectors[i]!, vector),
        ),
      );
    }
  }
  // Calibration 2: pairs of different groups within one half of the groups only; the other half
  // measures how the threshold carries over to pictures it was not chosen on.
  const negatives: number[] = [];
  const heldOut = { accepted: 0, right: 0, positives: 0, found: 0 };
  for (let i = 0; i < held.length; i += 1) {
    for (let j = i + 1; j < held.length; j += 1) {
      const a = held[i]!;
      const b = held[j]!;
      const sim = similarity(i, j + 1);
      if (calibrationHalf(a.group) && calibrationHalf(b.group)) {
        if (a.group !== b.group) {
          negatives.push(sim);
        }
      } else if (!calibrationHalf(a.group) && !calibrationHalf(b.group)) {
        const positive = a.group === b.group;
        heldOut.positives += positive ? 1 : 0;
        if (sim >= thresholds.minGlobalSimilarity) {
          heldOut.accepted += 1;
          heldOut.right += positive ? 1 : 0;
          heldOut.found += positive ? 1 : 0;
        }
      }
    }
  }
  const n = queries.length;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'similarity-recall',
      queries: n,
      orbOnly: {
        recallAt1: round(tally.orb[0]! / n),
        recallAt10: round(tally.orb[1]! / n),
        precisionAtThreshold: round(tally.orb[3]! / Math.max(1, tally.orb[2]!)),
      },
      fused: {
        recallAt1: round(tally.fused[0]! / n),
        recallAt10: round(tally.fused[1]! / n),
        precisionAtThreshold: round(tally.fused[3]! / Math.max(1, tally.fused[2]!)),
      },
      fusedRanking: {
        recallAt1: round(tally.ranked[0]! / n),
        recallAt10: round(tally.ranked[1]! / n),
        note: 'the service with unconfirmed candidates: matches first, then candidates below the threshold by score',
      },
      globalOnly: { recallAt1: round(tally.global[0]! / n), recallAt10: round(tally.global[1]! / n) },
      minInliers: thresholds.minInliers,
      minGlobalSimilarity: thresholds.minGlobalSimilarity,
      fusedQueryMsMean: Math.round((queryMs / n) * 10) / 10,
      globalExtractMsPerImage: Math.round(describeMs),
      calibration: {
        generatedPairs: generated.length,
        generatedMax: round(Math.max(...generated)),
        generatedP999: round(quantile(generated, 0.999)),
        splitNegativePairs: negatives.length,
        splitNegativeMax: round(Math.max(...negatives)),
        splitNegativeP999: round(quantile(negatives, 0.999)),
        heldOutPairPrecision: heldOut.accepted === 0 ? null : round(heldOut.right / heldOut.accepted),
        heldOutPairRecall: round(heldOut.found / Math.max(1, heldOut.positives)),
      },
    })}\n`,
  );
}

/**
 * Nearest-neighbour scan time of the global index at a collection size, padded with random unit
 * vectors, against scoring every vector and sorting them all (the naive way), in the same run.
 */
export function globalScanLatency(size: number, queries = 20): void {
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296 - 0.5;
  };
  const unit = (): Float32Array => {
    const v = Float32Array.from({ length: gemSignal.dimensions }, next);
    const n = Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));
    return v.map((x) => x / n);
  };
  const index = gemSignal.createIndex();
  const stored: Float32Array[] = [];
  for (let id = 1; id <= size; id += 1) {
    const v = unit();
    stored.push(v);
    index.add(id, v);
  }
  const probes = Array.from({ length: queries }, unit);
  const started = performance.now();
  for (const probe of probes) {
    index.query(probe, SIMILARITY_DEFAULTS.globalCandidates + 1);
  }
  const scanMs = (performance.now() - started) / queries;
  const naiveStarted = performance.now();
  for (const probe of probes.slice(0, 5)) {
    stored
      .map((v, i) => ({ i, s: gemSignal.similarity(probe, v) }))
      .sort((a, b) => b.s - a.s)
      .slice(0, SIMILARITY_DEFAULTS.globalCandidates + 1);
  }
  const naiveMs = (performance.now() - naiveStarted) / 5;
  process.stdout.write(
    `${JSON.stringify({
      bench: 'similarity-global-scan',
      vectors: size,
      dimensions: gemSignal.dimensions,
      indexBytes: index.byteSize,
      queryMsMean: Math.round(scanMs * 10) / 10,
      baseline: 'score every vector and sort all',
      baselineMsPerQuery: Math.round(naiveMs * 10) / 10,
      speedupVsBaseline: Math.round((naiveMs / scanMs) * 10) / 10,
    })}\n`,
  );
}

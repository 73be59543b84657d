/**
 * Place and object search benchmark on ../shared/testdata (scene and object groups): recall@1 and
 * recall@10 (query each image, ground truth = same group_id), precision at the default acceptance
 * threshold, then query latency, recall and index size with the index padded to 10k and 100k
 * images by generated distractors. Prints one JSON line per collection size.
 *
 * Each line holds the figures of the current query path ("after": descriptors matched within
 * vocabulary branches, adaptive RANSAC, candidates that cannot reach the threshold cut short) and,
 * measured in the same run on the same index, those of the previous path ("before": all-against-all
 * descriptor matching, OpenCV.js's RANSAC, every candidate verified to the end), with the ratio of
 * their median search times. The previous path takes seconds per query, so on the padded
 * collections it runs on the first --baseline-queries queries (the ratio compares both paths on
 * exactly those). searchMs is the candidate retrieval and verification with the query's features
 * at hand; endToEndMs adds decoding and extracting the query (as is and flipped), as for an upload.
 *
 *   npm run bench:similarity [-- --sizes 10000,100000 --distractor-bases 240 --baseline-queries 12
 *     --testdata-baseline-queries 100000 --branch-level 1 --branch-probes 2]
 *
 * Distractors: a few hundred pictures are drawn (random shapes and text) and their features
 * extracted; larger collections are derived from their visual words with a third of the words
 * replaced at random, so each derived image is distinct for the index while its verification
 * costs as much as a real image's (it is verified with its base picture's features). They live in
 * memory: the database and the service's per-query fetch of ~30 candidates' feature rows are not
 * part of these figures. The 100k step takes a few minutes (--sizes 10000 skips it).
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { BinaryVocabulary } from '#haven/signals/orb/binary-vocabulary.js';
import { DEFAULT_BRANCH_SEARCH } from '#haven/signals/orb/descriptor-matching.js';
import type { VerifyOptions } from '#haven/signals/orb/geometric-verification.js';
import type { InvertedFile } from '#haven/signals/orb/inverted-file.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { mirroredBreadth, verifyCandidates } from '#haven/signals/orb/verify-candidates.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { globalScanLatency, recallComparison } from './similarity-recall.js';
import { seededRandom } from '#haven/platform/random/seeded-random.js';

const ROOT = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'testdata');

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback;
}

interface Held {
  readonly file: string;
  readonly group: string;
  readonly kind: string;
  readonly features: LocalFeatures;
  /** The same picture flipped left to right, as the service also queries it. */
  readonly mirrored: LocalFeatures;
}

async function decode(bytes: Buffer | string): Promise<DecodedImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

/** A benign generated picture: random rectangles, circles, lines and words on a gradient. */
function distractorSvg(seed: number): string {
  const next = seededRandom(seed * 7919 + 17);
  const width = 640;
  const height = 480;
  const shade = (): number => Math.floor(next() * 256);
  const shapes: string[] = [];
  for (let i = 0; i < 40; i += 1) {
    const x = Math.floor(next() * width);
    const y = Math.floor(next() * height);
    const fill = `rgb(${shade()},${shade()},${shade()})`;
    const pick = next();
    if (pick < 0.35) {
      shapes.push(
        `<rect x="${x}" y="${y}" width="${10 + next() * 120}" height="${10 + next() * 90}" fill="${fill}" transform="rotate(${next() * 90} ${x} ${y})"/>`,
      );
    } else if (pick < 0.6) {
      shapes.push(`<circle cx="${x}" cy="${y}" r="${5 + next() * 50}" fill="${fill}"/>`);
    } else if (pick < 0.8) {
      shapes.push(
        `<line x1="${x}" y1="${y}" x2="${next() * width}" y2="${next() * height}" stroke="${fill}" stroke-width="${1 + next() * 6}"/>`,
      );
    } else {
      shapes.push(
        `<text x="${x}" y="${y}" font-size="${12 + next() * 40}" fill="${fill}" font-family="sans-serif">${Math.floor(next() * 1e9).toString(36)}</text>`,
      );
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g"><stop offset="0" stop-color="rgb(${shade()},${shade()},${shade()})"/><stop offset="1" stop-color="rgb(${shade()},${shade()},${shade()})"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/>${shapes.join('')}</svg>`;
}

interface Ranked {
  readonly id: number;
  readonly inliers: number;
}

/** Milliseconds per stage of one search, accumulated by `search`. */
interface StageTimes {
  indexQuery: number[];
  verify: number[];
}

/** The service's ranking: direct and mirrored inverted-file candidates, geometric verification. */
async function search(
  index: InvertedFile,
  vocabulary: BinaryVocabulary,
  query: Held,
  featuresOf: (id: number) => LocalFeatures,
  options: VerifyOptions,
  stages?: StageTimes,
): Promise<Ranked[]> {
  const queryStarted = performance.now();
  const breadth = SIMILARITY_DEFAULTS.verifyCandidates + 1;
  const direct = index.query(orbSignal.words(vocabulary, query.features), breadth).map((c) => c.id);
  const flipped = index
    .query(orbSignal.words(vocabulary, query.mirrored), mirroredBreadth(breadth))
    .map((c) => c.id);
  const ids = [...new Set([...direct, ...flipped])];
  const verifyStarted = performance.now();
  stages?.indexQuery.push(verifyStarted - queryStarted);
  const verified = await verifyCandidates(
    { direct: query.features, mirrored: query.mirrored },
    { direct: new Set(direct), mirrored: new Set(flipped) },
    ids.map((id) => ({ ...featuresOf(id), id })),
    (candidate) => candidate.id,
    options,
  );
  stages?.verify.push(performance.now() - verifyStarted);
  return verified
    .map(({ candidate, verification }) => ({ id: candidate.id, inliers: verification.inliers }))
    .sort((a, b) => b.inliers - a.inliers || a.id - b.id);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function main(): Promise<void> {
  const sizes = option('sizes', '10000,100000')
    .split(',')
    .map(Number)
    .filter((size) => size > 0);
  // Tuning: the vocabulary level descriptors are matched within and how many branches a query
  // descriptor probes there (level 0: all against all).
  const branchLevel = Number(option('branch-level', String(DEFAULT_BRANCH_SEARCH.level)));
  const branchProbes = Number(option('branch-probes', String(DEFAULT_BRANCH_SEARCH.probes)));
  const distractorBases = Number(option('distractor-bases', '240'));
  const baselineSample = Number(option('baseline-queries', '12'));
  const baselineSampleOnTestdata = Number(option('testdata-baseline-queries', '100000'));
  const manifest = readFileSync(path.join(ROOT, 'MANIFEST.tsv'), 'utf8')
    .split('\n')
    .slice(1)
    .filter((line) => line.length > 0)
    .map((line) => line.split('\t'))
    .filter(([, , kind]) => kind === 'scene' || kind === 'object' || kind === 'negative');

  const extractStarted = performance.now();
  const held: Held[] = [];
  for (const [file, group, kind] of manifest) {
    const image = await decode(path.join(ROOT, file!));
    held.push({
      file: file!,
      group: group!,
      kind: kind!,
      features: await orbSignal.extract(image),
      mirrored: await orbSignal.extract(image, null, true),
    });
  }
  // Two extractions per picture: as held, and flipped as a query.
  const extractMs = (performance.now() - extractStarted) / (held.length * 2);
  const distractors: LocalFeatures[] = [];
  for (let i = 0; i < distractorBases; i += 1) {
    distractors.push(await orbSignal.extract(await decode(Buffer.from(distractorSvg(i + 1)))));
  }

  // The vocabulary is trained as the service trains it: up to 120 descriptors of each image.
  const sample = [...held.map((h) => h.features), ...distractors].map((f) =>
    f.descriptors.subarray(0, 120 * 32),
  );
  const joined = new Uint8Array(sample.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of sample) {
    joined.set(part, at);
    at += part.length;
  }
  const trainStarted = performance.now();
  const vocabulary = orbSignal.trainVocabulary(joined);
  const trainMs = performance.now() - trainStarted;

  // Ids 1..held.length are the test images; above them, distractors.
  const index = orbSignal.createIndex(vocabulary);
  const heldWords = held.map((h) => orbSignal.words(vocabulary, h.features));
  heldWords.forEach((words, i) => {
    index.add(i + 1, words);
  });
  const baseWords = distractors.map((f) => orbSignal.words(vocabulary, f));
  const featuresOf = (id: number): LocalFeatures =>
    id <= held.length ? held[id - 1]!.features : distractors[(id - held.length - 1) % distractors.length]!;

  const queries = held
    .map((h, i) => ({ h, i }))
    .filter(
      ({ h }) => h.kind !== 'negative' && held.some((o, j) => o.group === h.group && j !== held.indexOf(h)),
    );

  // Before: what every query did until now (all-against-all descriptor matching, OpenCV.js's
  // fixed 2000-iteration RANSAC, every candidate verified to the end). After: matching within
  // vocabulary branches, adaptive RANSAC, candidates that cannot reach the threshold cut short.
  const engines: Record<'before' | 'after', VerifyOptions> = {
    before: { allowSecondPlane: true, ransac: 'opencv' },
    after: {
      allowSecondPlane: true,
      search: branchLevel > 0 ? { vocabulary, level: branchLevel, probes: branchProbes } : null,
      minInliers: SIMILARITY_DEFAULTS.minInliers,
    },
  };

  interface Figures {
    readonly recallAt1: number;
    readonly recallAt10: number;
    readonly recallAt10BelowThreshold: number;
    readonly precisionAtThreshold: number | null;
    readonly searchMsMedian: number;
    readonly searchMsP95: number;
    /** Decoding and extracting the query (direct and mirrored) plus the search. */
    readonly endToEndMsMedian: number | null;
    readonly endToEndMsP95: number | null;
    /** Medians per stage: inverted-file queries (as taken and flipped), verification, extraction. */
    readonly stagesMsMedian: { indexQuery: number; verify: number; extract: number | null };
  }

  const round1 = (value: number): number => Math.round(value * 10) / 10;
  const round3 = (value: number): number => Math.round(value * 1000) / 1000;

  async function measure(
    options: VerifyOptions,
    subset: typeof queries,
    withExtraction: boolean,
  ): Promise<Figures> {
    let hit1 = 0;
    let hit10 = 0;
    let rankedHit10 = 0;
    let accepted = 0;
    let acceptedRight = 0;
    const latencies: number[] = [];
    const endToEnd: number[] = [];
    const extraction: number[] = [];
    const stages: StageTimes = { indexQuery: [], verify: [] };
    for (const { h, i } of subset) {
      let query = h;
      let extractMsOfQuery = 0;
      if (withExtraction) {
        // As the service does for an uploaded picture: extract it, as is and flipped.
        const started = performance.now();
        const image = await decode(readFileSync(path.join(ROOT, h.file)));
        query = {
          ...h,
          features: await orbSignal.extract(image),
          mirrored: await orbSignal.extract(image, null, true),
        };
        extractMsOfQuery = performance.now() - started;
        extraction.push(extractMsOfQuery);
      }
      const started = performance.now();
      const ranked = (await search(index, vocabulary, query, featuresOf, options, stages)).filter(
        (r) => r.id !== i + 1,
      );
      const searchMs = performance.now() - started;
      latencies.push(searchMs);
      endToEnd.push(searchMs + extractMsOfQuery);
      const kept = ranked.filter((r) => r.inliers >= SIMILARITY_DEFAULTS.minInliers);
      const same = (r: Ranked): boolean => r.id <= held.length && held[r.id - 1]!.group === h.group;
      if (kept[0] && same(kept[0])) {
        hit1 += 1;
      }
      if (kept.slice(0, 10).some(same)) {
        hit10 += 1;
      }
      if (ranked.slice(0, 10).some(same)) {
        rankedHit10 += 1;
      }
      accepted += kept.length;
      acceptedRight += kept.filter(same).length;
    }
    return {
      recallAt1: round3(hit1 / subset.length),
      recallAt10: round3(hit10 / subset.length),
      recallAt10BelowThreshold: round3(rankedHit10 / subset.length),
      precisionAtThreshold: accepted === 0 ? null : round3(acceptedRight / accepted),
      searchMsMedian: round1(median(latencies)),
      searchMsP95: round1(percentile(latencies, 0.95)),
      endToEndMsMedian: withExtraction ? round1(median(endToEnd)) : null,
      endToEndMsP95: withExtraction ? round1(percentile(endToEnd, 0.95)) : null,
      stagesMsMedian: {
        indexQuery: round1(median(stages.indexQuery)),
        verify: round1(median(stages.verify)),
        extract: withExtraction ? round1(median(extraction)) : null,
      },
    };
  }

  function memoryMiB(): number {
    const usage = process.memoryUsage();
    return Math.round((usage.heapUsed + usage.arrayBuffers) / 1048576);
  }

  async function evaluate(label: string, collection: number, buildMsPerImage: number | null): Promise<void> {
    const full = label === 'testdata';
    // The old path is slow: on the padded collections it runs on a sample of the queries only.
    const baselineQueries = queries.slice(0, full ? baselineSampleOnTestdata : baselineSample);
    const before = await measure(engines.before, baselineQueries, false);
    const after = await measure(engines.after, queries, true);
    const afterOnSample = await measure(engines.after, baselineQueries, false);
    const serializeStarted = performance.now();
    const bytes = index.serialize();
    const serializeMs = performance.now() - serializeStarted;
    const loadStarted = performance.now();
    const loaded = orbSignal.deserializeIndex(bytes);
    const loadMs = performance.now() - loadStarted;
    process.stdout.write(
      `${JSON.stringify({
        bench: 'similarity',
        collection: label,
        images: collection,
        queries: queries.length,
        minInliers: SIMILARITY_DEFAULTS.minInliers,
        branchLevel,
        branchProbes,
        ...after,
        before: { ...before, queries: baselineQueries.length },
        // The current path on the same queries as `before`: recall compares like with like.
        afterOnBaselineQueries: { ...afterOnSample, queries: baselineQueries.length },
        baseline: 'before: exhaustive JS descriptor matching and OpenCV.js RANSAC per candidate',
        speedupVsBaseline: round1(before.searchMsMedian / Math.max(0.1, afterOnSample.searchMsMedian)),
        extractMsPerImage: Math.round(extractMs),
        indexBytes: index.byteSize(),
        snapshotBytes: bytes.byteLength,
        snapshotSaveMs: Math.round(serializeMs),
        snapshotLoadMs: Math.round(loadMs),
        snapshotRoundTrip: loaded.size === index.size,
        indexBuildMsPerImage: buildMsPerImage,
        processMemoryMiB: memoryMiB(),
        vocabularyWords: vocabulary.wordCount,
        vocabularyTrainMs: Math.round(trainMs),
        // Other work on this 2-core machine skews every latency above: the 1-minute load average.
        loadAverage: Math.round(loadavg()[0]! * 100) / 100,
      })}\n`,
    );
  }

  await evaluate('testdata', held.length, null);
  await recallComparison(
    held.map((h) => ({ ...h, image: () => decode(path.join(ROOT, h.file)) })),
    index,
    vocabulary,
    Array.from(
      { length: Number(option('global-distractors', '60')) },
      (_, i) => () => decode(Buffer.from(distractorSvg(i + 1))),
    ),
  );
  for (const size of sizes) {
    globalScanLatency(size);
  }
  if (option('recall-only', 'no') === 'yes') {
    return;
  }
  const next = seededRandom(99);
  let size = held.length;
  for (const target of sizes) {
    const buildStarted = performance.now();
    const added = Math.max(0, target - size);
    while (size < target) {
      const base = baseWords[(size - held.length) % baseWords.length]!;
      const words = Uint32Array.from(base, (word) =>
        next() < 0.33 ? Math.floor(next() * vocabulary.wordCount) : word,
      );
      size += 1;
      index.add(size, words);
    }
    const buildMsPerImage = added > 0 ? round3((performance.now() - buildStarted) / added) : null;
    await evaluate(`testdata+${size - held.length} distractors`, size, buildMsPerImage);
  }
}

await main();

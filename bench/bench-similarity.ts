/**
 * Place and object search benchmark on ../shared/testdata (scene and object groups): recall@1 and
 * recall@10 (query each image, ground truth = same group_id), precision at the default acceptance
 * threshold, then query latency, recall and index size with the index padded to 10k and 100k
 * images by generated distractors. The baseline, measured in the same run, is brute-force
 * verification of the query against every held image. Prints one JSON line per figure set.
 *
 *   npm run bench:similarity [-- --sizes 10000,100000 --distractor-bases 240]
 *
 * Distractors: a few hundred pictures are drawn (random shapes and text) and their features
 * extracted; larger collections are derived from their visual words with a third of the words
 * replaced at random, so each derived image is distinct for the index while its verification
 * costs as much as a real image's.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { BinaryVocabulary } from '#haven/signals/orb/binary-vocabulary.js';
import type { InvertedFile } from '#haven/signals/orb/inverted-file.js';
import type { LocalFeatures } from '#haven/signals/orb/orb-features.js';
import { orbSignal } from '#haven/signals/orb/orb-signal.js';
import { mirroredBreadth, verifyCandidates } from '#haven/signals/orb/verify-candidates.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { SIMILARITY_DEFAULTS } from '#haven/similarity/similarity-defaults.js';
import { globalScanLatency, recallComparison } from './similarity-recall.js';

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

function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

async function decode(bytes: Buffer | string): Promise<DecodedImage> {
  const { data, info } = await sharp(bytes).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: info.channels === 1 ? 1 : 3, data };
}

/** A benign generated picture: random rectangles, circles, lines and words on a gradient. */
function distractorSvg(seed: number): string {
  const next = random(seed * 7919 + 17);
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

/** The service's ranking: direct and mirrored inverted-file candidates, geometric verification. */
async function search(
  index: InvertedFile,
  vocabulary: BinaryVocabulary,
  query: Held,
  featuresOf: (id: number) => LocalFeatures,
): Promise<Ranked[]> {
  const breadth = SIMILARITY_DEFAULTS.verifyCandidates + 1;
  const direct = index.query(orbSignal.words(vocabulary, query.features), breadth).map((c) => c.id);
  const flipped = index
    .query(orbSignal.words(vocabulary, query.mirrored), mirroredBreadth(breadth))
    .map((c) => c.id);
  const ids = [...new Set([...direct, ...flipped])];
  const verified = await verifyCandidates(
    { direct: query.features, mirrored: query.mirrored },
    { direct: new Set(direct), mirrored: new Set(flipped) },
    ids.map((id) => ({ ...featuresOf(id), id })),
    (candidate) => candidate.id,
    { allowSecondPlane: true },
  );
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
  const sizes = option('sizes', '10000,100000').split(',').map(Number);
  const distractorBases = Number(option('distractor-bases', '240'));
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

  async function evaluate(label: string, collection: number): Promise<void> {
    let hit1 = 0;
    let hit10 = 0;
    let rankedHit10 = 0;
    let accepted = 0;
    let acceptedRight = 0;
    const latencies: number[] = [];
    for (const { h, i } of queries) {
      const started = performance.now();
      const ranked = (await search(index, vocabulary, h, featuresOf)).filter((r) => r.id !== i + 1);
      latencies.push(performance.now() - started);
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
    // Baseline: verify the query against every held image (no index), timed on a sample of pairs.
    const sampleStarted = performance.now();
    let pairs = 0;
    for (const { h } of queries.slice(0, 4)) {
      for (let id = 1; id <= Math.min(held.length + distractors.length, 120); id += 1) {
        await orbSignal.verify(h.features, featuresOf(id), { allowSecondPlane: true });
        pairs += 1;
      }
    }
    const pairMs = (performance.now() - sampleStarted) / pairs;
    const medianMs = median(latencies);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'similarity',
        collection: label,
        images: collection,
        queries: queries.length,
        recallAt1: Math.round((hit1 / queries.length) * 1000) / 1000,
        recallAt10: Math.round((hit10 / queries.length) * 1000) / 1000,
        // The verified ranking before the acceptance threshold: what a wider review list would show.
        recallAt10BelowThreshold: Math.round((rankedHit10 / queries.length) * 1000) / 1000,
        precisionAtThreshold: accepted === 0 ? null : Math.round((acceptedRight / accepted) * 1000) / 1000,
        minInliers: SIMILARITY_DEFAULTS.minInliers,
        queryMsMedian: Math.round(medianMs * 10) / 10,
        queryMsP95: Math.round(percentile(latencies, 0.95) * 10) / 10,
        extractMsPerImage: Math.round(extractMs),
        indexBytes: index.byteSize(),
        vocabularyWords: vocabulary.wordCount,
        vocabularyTrainMs: Math.round(trainMs),
        baseline: 'brute-force verification against every held image',
        baselineMsPerQuery: Math.round(pairMs * collection),
        speedupVsBaseline: Math.round(((pairMs * collection) / medianMs) * 10) / 10,
      })}\n`,
    );
  }

  await evaluate('testdata', held.length);
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
  const next = random(99);
  let size = held.length;
  for (const target of sizes) {
    while (size < target) {
      const base = baseWords[(size - held.length) % baseWords.length]!;
      const words = Uint32Array.from(base, (word) =>
        next() < 0.33 ? Math.floor(next() * vocabulary.wordCount) : word,
      );
      size += 1;
      index.add(size, words);
    }
    await evaluate(`testdata+${size - held.length} distractors`, size);
  }
}

await main();

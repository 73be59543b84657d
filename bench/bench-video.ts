/**
 * Video benchmark.
 *   1. Throughput: seconds of 720p H.264 video analysed per second of wall time at the default
 *      sampling (probe, 5 frames/s vPDQ with collapse, scene pictures, sound fingerprint), against
 *      ffmpeg decoding the same file and doing nothing else, per stage, and in CPU seconds.
 *   2. Match time: a clip's distinct frames looked up in a multi-index of 1M stored frame hashes,
 *      against a brute-force scan of the same hashes (also the recall check).
 *   3. Match rates per transformation: clips cut at several offsets (two in the last scene),
 *      re-encoded, rescaled, letterboxed, against the source, with the default sampling (shares
 *      counted as the service counts them, and as before steady frames) and with vPDQ's 1/s
 *      reference; on the generated film and on a film of ../shared/testdata photos when present.
 * The video is generated with ffmpeg at run time. Prints one JSON line per figure.
 *
 *   npm run bench:video [-- --seconds 60 --stored 1000000 --repeats 3 --only throughput|match|rates]
 */
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { demoSvg, type DemoTheme } from '#haven/demo/demo-pictures.js';
import { PdqFlatIndex } from '#haven/signals/pdq/flat-index.js';
import { PdqMultiIndex } from '#haven/signals/pdq/mih-index.js';
import {
  compareVideos,
  countedFrames,
  distinctHashes,
  type FrameHash,
} from '#haven/signals/vpdq/vpdq-match.js';
import { audioFingerprint } from '#haven/video/audio-fingerprint.js';
import { sampleFrames } from '#haven/video/frame-sampler.js';
import { analyseVideoFile, hashingSize } from '#haven/video/video-analyser.js';
import { hashVideoFrames } from '#haven/video/video-hasher.js';
import { probeVideo } from '#haven/video/video-probe.js';
import type { VideoSampling } from '#haven/video/video.types.js';

const DEFAULT_SAMPLING: VideoSampling = {
  scanPerSecond: 5,
  collapseDistance: 12,
  sceneDistance: 80,
  hashSide: 640,
};
const THEMES: readonly DemoTheme[] = ['room', 'objects', 'landscape'];

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && at + 1 < process.argv.length ? process.argv[at + 1]! : fallback;
}

function ffmpeg(args: readonly string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * A film of 10 s scenes, each a picture panned slowly, with hard cuts and a tone, at 1280x720 and
 * 30 fps. `generated`: the demo pictures (flat vector art: two of its six scenes are hard for PDQ,
 * see src/video/README.md). `photos`: photographs from ../shared/testdata, when it is there.
 */
async function makeFilm(
  dir: string,
  name: string,
  seconds: number,
  pictures: readonly Buffer[],
): Promise<string> {
  const sceneSeconds = 10;
  const scenes = Math.max(1, Math.round(seconds / sceneSeconds));
  const inputs: string[] = [];
  const chains: string[] = [];
  for (let i = 0; i < scenes; i++) {
    const picture = path.join(dir, `${name}-scene-${i}.jpg`);
    writeFileSync(
      picture,
      await sharp(pictures[i % pictures.length])
        .resize(2560, 1440, { fit: 'cover' })
        .jpeg({ quality: 90 })
        .toBuffer(),
    );
    inputs.push('-framerate', '30', '-loop', '1', '-t', String(sceneSeconds), '-i', picture);
    chains.push(
      `[${i}:v]crop=w=1536:h=864:x='t*${(1280 * 0.25) / sceneSeconds}':y='t*${(720 * 0.15) / sceneSeconds}',scale=1280:720,setsar=1,format=yuv420p[v${i}]`,
    );
  }
  const out = path.join(dir, `${name}-720p.mp4`);
  ffmpeg([
    ...inputs,
    '-f',
    'lavfi',
    '-i',
    `sine=frequency=330:duration=${scenes * sceneSeconds}`,
    '-filter_complex',
    `${chains.join(';')};${chains.map((_, i) => `[v${i}]`).join('')}concat=n=${scenes}:v=1:a=0[v]`,
    '-map',
    '[v]',
    '-map',
    `${scenes}:a`,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '21',
    '-c:a',
    'aac',
    '-shortest',
    out,
  ]);
  return out;
}

/** The demo pictures the film has always been made of (seeds 900, 901, ...). */
function generatedPictures(scenes: number): Buffer[] {
  return Array.from({ length: scenes }, (_, i) => Buffer.from(demoSvg(THEMES[i % 3]!, 900 + i, 2560, 1440)));
}

/** Six photographs of ../shared/testdata (indoor and outdoor), or none when it is not there. */
function sharedPhotos(): Buffer[] {
  const root = path.resolve(fileURLToPath(new URL('../../', import.meta.url)), '..', 'shared', 'testdata');
  const files = PHOTOS.map((file) => path.join(root, file));
  return files.every((file) => existsSync(file)) ? files.map((file) => readFileSync(file)) : [];
}
const PHOTOS = [
  'scene/scannet/scene0711_00_frame-001680.jpg',
  'scene/leuven/leuvenA.jpg',
  'scene/phototourism/piazza_san_marco_06795901_3725050516.jpg',
  'scene/scannet/scene0755_00_frame-000120.jpg',
  'scene/vlfeat_river/river1.jpg',
  'scene/lightglue_building/DSC_0410.jpg',
];

function clip(
  source: string,
  out: string,
  start: number,
  seconds: number,
  filters: string[],
  crf = 23,
): string {
  ffmpeg([
    '-ss',
    String(start),
    '-t',
    String(seconds),
    '-i',
    source,
    ...(filters.length > 0 ? ['-vf', filters.join(',')] : []),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    String(crf),
    '-an',
    out,
  ]);
  return out;
}

interface Timed<T> {
  value: T;
  seconds: number;
  /** CPU seconds of this process and of the tools it ran (ffmpeg, fpcalc, ffprobe). */
  cpuSeconds: number;
}

/** User + system CPU seconds of the tools this process ran and waited for (Linux; 0 elsewhere). */
function childCpuSeconds(): number {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
    // Fields 16 and 17 of stat (cutime, cstime), counted from the state field (3).
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return 0;
  }
}
const CLOCK_TICKS = 100;

async function timed<T>(work: () => Promise<T>): Promise<Timed<T>> {
  const cpu = process.cpuUsage();
  const children = childCpuSeconds();
  const start = process.hrtime.bigint();
  const value = await work();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const own = process.cpuUsage(cpu);
  return { value, seconds, cpuSeconds: (own.user + own.system) / 1e6 + childCpuSeconds() - children };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};
const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/**
 * Runs the same film through each stage `repeats` times, interleaved so that the load of a shared
 * machine falls on all of them alike, and reports medians. Wall-time figures depend on that load;
 * CPU seconds per second of video (all processes) say what the work costs whatever else runs.
 */
async function throughput(film: string, duration: number, repeats: number): Promise<FrameHash[]> {
  const probe = await probeVideo(film);
  const size = hashingSize(probe, DEFAULT_SAMPLING.hashSide);
  const stages = {
    decodeOnly: () => {
      ffmpeg(['-i', film, '-map', '0:v:0', '-f', 'null', '-']);
      return Promise.resolve(0);
    },
    probe: async () => (await probeVideo(film)).width,
    soundFingerprint: async () => (await audioFingerprint(film))?.length ?? 0,
    sampledDecode: async () =>
      (
        await sampleFrames(
          film,
          size,
          { kind: 'slots', perSecond: DEFAULT_SAMPLING.scanPerSecond },
          () => undefined,
        )
      ).frames,
    analysis: async () => (await analyseVideoFile(film, DEFAULT_SAMPLING)).framesScanned,
    vpdqReference1s: async () =>
      (await hashVideoFrames(film, probe, { secondsPerSample: 1, sceneThreshold: null })).frames.length,
  };
  type Stage = keyof typeof stages;
  const runs = new Map<Stage, Timed<number>[]>();
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (const [name, work] of Object.entries(stages) as [Stage, () => Promise<number>][]) {
      const run = await timed(work);
      runs.set(name, [...(runs.get(name) ?? []), run]);
    }
  }
  const wall = (name: Stage): number => median(runs.get(name)!.map((run) => run.seconds));
  const cpu = (name: Stage): number => median(runs.get(name)!.map((run) => run.cpuSeconds));
  const speed = (name: Stage): number => duration / wall(name);
  const cores = os.availableParallelism();
  const analysed = await analyseVideoFile(film, DEFAULT_SAMPLING);
  console.log(
    JSON.stringify({
      bench: 'video-throughput',
      video: '1280x720 H.264 30 fps + AAC',
      videoSeconds: duration,
      cores,
      loadAverage1m: round(os.loadavg()[0]!),
      repeats,
      analysisSecondsPerSecond: round(speed('analysis')),
      decodeOnlySecondsPerSecond: round(speed('decodeOnly')),
      ratio: round(speed('analysis') / speed('decodeOnly'), 3),
      target: 10,
      stagesSecondsPerSecond: {
        probe: round(speed('probe')),
        soundFingerprint: round(speed('soundFingerprint')),
        sampledDecode: round(speed('sampledDecode')),
        vpdqReference1s: round(speed('vpdqReference1s')),
      },
      cpuSecondsPerVideoSecond: {
        analysis: round(cpu('analysis') / duration, 4),
        decodeOnly: round(cpu('decodeOnly') / duration, 4),
        sampledDecode: round(cpu('sampledDecode') / duration, 4),
        soundFingerprint: round(cpu('soundFingerprint') / duration, 4),
      },
      cpuRatio: round(cpu('decodeOnly') / cpu('analysis'), 3),
      idleMachineEstimateSecondsPerSecond: round(duration / (cpu('analysis') / cores)),
      framesScanned: analysed.framesScanned,
      framesKept: analysed.frames.length,
      note: 'medians of interleaved runs. analysis = probe, one decode of reference frames only at 5 frames/s with vPDQ + collapse + pictures, fpcalc alongside; decodeOnly = ffmpeg decoding every frame and doing nothing else; sampledDecode = the analysis decode with its frames dropped unhashed; ratio > 1 = analysis faster than a plain decode. idleMachineEstimate = video seconds / (analysis CPU seconds / cores)',
    }),
  );
  return analysed.frames;
}

function matchTime(clipFrames: readonly FrameHash[], stored: number): void {
  const query = distinctHashes(clipFrames, 50);
  const hashes = new Uint8Array(stored * 32);
  for (let at = 0; at < hashes.length; at += 1 << 24) {
    randomFillSync(hashes, at, Math.min(1 << 24, hashes.length - at));
  }
  // The clip's own frames are among the stored ones (slightly changed), as a held copy would be.
  query.forEach((hash, i) => {
    const slot = ((i * 7919) % stored) * 32;
    hashes.set(hash, slot);
    hashes[slot]! ^= 0x11;
  });
  const ids = Float64Array.from({ length: stored }, (_, i) => i + 1);
  const built = process.hrtime.bigint();
  const index = PdqMultiIndex.build({ ids, hashes });
  const buildSeconds = Number(process.hrtime.bigint() - built) / 1e9;
  const flat = PdqFlatIndex.build({ ids, hashes });
  const run = (target: {
    query(value: Uint8Array, d: number): { id: number }[];
  }): { ms: number; hits: number } => {
    const start = process.hrtime.bigint();
    let hits = 0;
    for (let repeat = 0; repeat < 5; repeat++) {
      for (const hash of query) {
        hits += target.query(hash, 31).length;
      }
    }
    return { ms: Number(process.hrtime.bigint() - start) / 1e6 / 5, hits: hits / 5 };
  };
  const indexed = run(index);
  const brute = run(flat);
  console.log(
    JSON.stringify({
      bench: 'video-match',
      storedFrameHashes: stored,
      queryDistinctFrames: query.length,
      indexBuildSeconds: Number(buildSeconds.toFixed(2)),
      matchMsPerVideo: Number(indexed.ms.toFixed(2)),
      bruteForceMsPerVideo: Number(brute.ms.toFixed(2)),
      ratio: Number((brute.ms / indexed.ms).toFixed(1)),
      recall: indexed.hits === brute.hits ? 1 : Number((indexed.hits / brute.hits).toFixed(4)),
      note: 'multi-index lookup of every distinct clip frame at distance 31 vs a brute-force scan; one thread; database step excluded',
    }),
  );
}

async function matchRates(film: string, filmName: string, dir: string, duration: number): Promise<void> {
  interface Bags {
    /** Steady frames at or above the quality floor, as the service counts them (video-triage.ts). */
    counted: Uint8Array[];
    /** Every frame at or above the quality floor: how shares were counted before. */
    allGood: Uint8Array[];
    /** vPDQ's reference sampling (1 frame/s, no unletterboxing), every frame at or above the floor. */
    reference: Uint8Array[];
  }
  const bags = async (file: string): Promise<Bags> => {
    const frames = (await analyseVideoFile(file, DEFAULT_SAMPLING)).frames;
    const probe = await probeVideo(file);
    const reference = (await hashVideoFrames(file, probe, { secondsPerSample: 1, sceneThreshold: null }))
      .frames;
    return {
      counted: countedFrames(frames, 50, 31).map((frame) => frame.hash),
      allGood: distinctHashes(frames, 50),
      reference: distinctHashes(reference, 50),
    };
  };
  const transforms: { name: string; filters: string[]; crf?: number }[] = [
    { name: 're-encoded', filters: [] },
    { name: 're-encoded crf 35', filters: [], crf: 35 },
    { name: 'rescaled 640x360', filters: ['scale=640:360'] },
    { name: 'rescaled 320x180', filters: ['scale=320:180'] },
    { name: 'letterboxed 4:3', filters: ['scale=640:-2', 'pad=640:480:(ow-iw)/2:(oh-ih)/2:black'] },
    {
      name: 'windowboxed (bars on all sides)',
      filters: ['scale=960:540', 'pad=1280:720:(ow-iw)/2:(oh-ih)/2:black'],
    },
    // Cropping removes picture: no bar removal brings it back (a known limit of frame PDQ).
    {
      name: 'centre-cropped to 4:3, pillarboxed',
      filters: ['crop=960:720', 'pad=1280:720:(ow-iw)/2:0:black'],
    },
  ];
  // The last two lie in the last scene: across its start, and wholly inside it.
  const offsets = [0.37, 7.71, duration / 2 - 3.13, duration - 12.9, duration - 8.6].map((o) =>
    Math.max(0, Number(o.toFixed(2))),
  );
  const source = await bags(film);
  const totals = { counted: 0, allGood: 0, reference: 0, clips: 0 };
  for (const transform of transforms) {
    const shares = { counted: [] as number[], allGood: [] as number[], reference: [] as number[] };
    for (const [i, start] of offsets.entries()) {
      const file = clip(film, path.join(dir, `clip-${i}.mp4`), start, 8, transform.filters, transform.crf);
      const clipBags = await bags(file);
      for (const mode of ['counted', 'allGood', 'reference'] as const) {
        shares[mode].push(compareVideos(clipBags[mode], source[mode], 31).queryShare);
      }
    }
    const matched = (values: number[]): number => values.filter((v) => v >= 0.8).length;
    const rate = (values: number[]): number => round(matched(values) / values.length);
    const shown = (values: number[]): number[] => values.map((v) => round(v));
    for (const mode of ['counted', 'allGood', 'reference'] as const) {
      totals[mode] += matched(shares[mode]);
    }
    totals.clips += offsets.length;
    console.log(
      JSON.stringify({
        bench: 'video-match-rate',
        film: filmName,
        transformation: transform.name,
        clips: offsets.length,
        clipSeconds: 8,
        offsets,
        matchRate: rate(shares.counted),
        similarity: shown(shares.counted),
        beforeMatchRate: rate(shares.allGood),
        beforeSimilarity: shown(shares.allGood),
        baselineVpdq1sMatchRate: rate(shares.reference),
        baselineSimilarity: shown(shares.reference),
        note: 'match = >= 80% of the clip distinct frames within distance 31 of the source frames. matchRate: steady frames of quality >= 50 counted (the service); before: every frame of quality >= 50 counted (the rule before steady frames); baseline = vPDQ reference sampling (1 frame/s, no unletterboxing)',
      }),
    );
  }
  console.log(
    JSON.stringify({
      bench: 'video-match-rate-total',
      film: filmName,
      clips: totals.clips,
      matched: totals.counted,
      beforeMatched: totals.allGood,
      baselineVpdq1sMatched: totals.reference,
      ratio: round(totals.counted / Math.max(1, totals.reference), 2),
      note: 'clips at >= 80% over all transformations and offsets; ratio = matched / vPDQ reference matched',
    }),
  );
}

async function main(): Promise<void> {
  const seconds = Number(option('seconds', '60'));
  const stored = Number(option('stored', '1000000'));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'haven-bench-video-'));
  try {
    const film = await makeFilm(dir, 'generated', seconds, generatedPictures(Math.round(seconds / 10)));
    const duration = (await probeVideo(film)).durationSeconds;
    const only = option('only', 'all');
    if (only === 'all' || only === 'throughput') {
      await throughput(film, duration, Number(option('repeats', '3')));
    }
    if (only === 'all' || only === 'match') {
      const clipFile = clip(film, path.join(dir, 'probe-clip.mp4'), 12.3, 10, []);
      matchTime((await analyseVideoFile(clipFile, DEFAULT_SAMPLING)).frames, stored);
    }
    if (only === 'all' || only === 'rates') {
      await matchRates(film, 'generated', dir, duration);
      const photos = sharedPhotos();
      if (photos.length > 0) {
        const photoFilm = await makeFilm(dir, 'photos', seconds, photos);
        await matchRates(photoFilm, 'photos', dir, (await probeVideo(photoFilm)).durationSeconds);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

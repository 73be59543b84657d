import { SECONDS_PER_ITEM } from '#haven/video/audio-fingerprint.js';

/** A stretch of sound two recordings share. */
export interface AudioSegment {
  /** Where the shared sound starts and ends in the first recording (seconds). */
  readonly start: number;
  readonly end: number;
  /** Where it starts in the second one. */
  readonly otherStart: number;
  readonly seconds: number;
  /** Share (0-1) of the segment's items that agree within the bit-error limit. */
  readonly agreement: number;
}

/** Items differing in at most this many of 32 bits count as the same sound (unrelated sound: about 16). */
const MAX_ITEM_BIT_ERRORS = 8;
/** Shortest shared stretch reported, in items (about 3 s). */
const MIN_SEGMENT_ITEMS = 24;
/** Agreeing items may be this far apart inside one segment (a cough, a door). */
const MAX_GAP_ITEMS = 8;
const CANDIDATE_OFFSETS = 8;

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * The longest stretch of sound shared by two raw Chromaprint fingerprints, at any offset, or null.
 * Offsets are proposed by items equal in both (an inverted index, so long recordings stay cheap)
 * and each proposed alignment is then scored item by item with a bit-error tolerance.
 */
export function matchAudio(a: Uint32Array, b: Uint32Array): AudioSegment | null {
  const positions = new Map<number, number[]>();
  b.forEach((item, j) => {
    const list = positions.get(item);
    if (list) {
      if (list.length < 16) {
        list.push(j);
      }
    } else {
      positions.set(item, [j]);
    }
  });
  const votes = new Map<number, number>();
  a.forEach((item, i) => {
    for (const j of positions.get(item) ?? []) {
      votes.set(i - j, (votes.get(i - j) ?? 0) + 1);
    }
  });
  const offsets = [...votes.entries()]
    .sort((x, y) => y[1] - x[1] || x[0] - y[0])
    .slice(0, CANDIDATE_OFFSETS)
    .map(([offset]) => offset);
  let best: AudioSegment | null = null;
  for (const offset of offsets) {
    const segment = longestRun(a, b, offset);
    if (segment && (!best || segment.seconds > best.seconds)) {
      best = segment;
    }
  }
  return best;
}

interface Run {
  readonly start: number;
  readonly end: number;
  readonly hits: number;
}

function longestRun(a: Uint32Array, b: Uint32Array, offset: number): AudioSegment | null {
  const from = Math.max(0, offset);
  const to = Math.min(a.length, b.length + offset);
  const runs: Run[] = [];
  let start = -1;
  let last = -1;
  let hits = 0;
  for (let i = from; i < to; i++) {
    if (popcount((a[i]! ^ b[i - offset]!) >>> 0) > MAX_ITEM_BIT_ERRORS) {
      continue;
    }
    if (start >= 0 && i - last <= MAX_GAP_ITEMS) {
      last = i;
      hits++;
      continue;
    }
    if (start >= 0) {
      runs.push({ start, end: last, hits });
    }
    start = i;
    last = i;
    hits = 1;
  }
  if (start >= 0) {
    runs.push({ start, end: last, hits });
  }
  const best = runs
    .filter((run) => run.end - run.start + 1 >= MIN_SEGMENT_ITEMS)
    .sort((x, y) => y.end - y.start - (x.end - x.start))[0];
  if (!best) {
    return null;
  }
  const items = best.end - best.start + 1;
  return {
    start: round(best.start * SECONDS_PER_ITEM),
    end: round((best.end + 1) * SECONDS_PER_ITEM),
    otherStart: round((best.start - offset) * SECONDS_PER_ITEM),
    seconds: round(items * SECONDS_PER_ITEM),
    agreement: best.hits / items,
  };
}

const round = (seconds: number): number => Math.round(seconds * 100) / 100;

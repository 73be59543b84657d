import { pdqDistance } from '#haven/signals/pdq/pdq-hex.js';

/** One hashed frame of a video. */
export interface FrameHash {
  readonly hash: Uint8Array;
  readonly quality: number;
  /** Seconds from the start of the video. */
  readonly seconds: number;
}

/** A kept frame: the first of a run of near-identical consecutive frames, and how long the run lasts. */
export interface KeptFrame extends FrameHash {
  readonly untilSeconds: number;
}

/**
 * Collapses runs of consecutive frames within `maxDistance` of the run's first frame into that
 * frame (a still shot costs one row, not one per second), keeping its quality and the run's span.
 */
export function collapseFrames(frames: readonly FrameHash[], maxDistance: number): KeptFrame[] {
  const kept: KeptFrame[] = [];
  let current: { -readonly [K in keyof KeptFrame]: KeptFrame[K] } | undefined;
  for (const frame of frames) {
    if (current && pdqDistance(current.hash, frame.hash) <= maxDistance) {
      // The run's first frame stays its representative: every frame of the run is then within
      // maxDistance of a stored one, which is what lets a clip cut anywhere in the run match.
      current.untilSeconds = frame.seconds;
      continue;
    }
    current = { ...frame, untilSeconds: frame.seconds };
    kept.push(current);
  }
  return kept;
}

/** The distinct hashes (by value) of the frames at or above `minQuality`, in first-seen order. */
export function distinctHashes(frames: readonly FrameHash[], minQuality: number): Uint8Array[] {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  for (const frame of frames) {
    if (frame.quality < minQuality) {
      continue;
    }
    const key = Buffer.from(frame.hash).toString('hex');
    if (!seen.has(key)) {
      seen.add(key);
      out.push(frame.hash);
    }
  }
  return out;
}

/**
 * Which kept frames (in time order) are steady: a frame whose run is a single scanned frame and
 * whose hash lies more than `maxDistance` from the kept frames on both sides of it changed too fast
 * to be found again. Panned fine patterns (a checkerboard, wallpaper dots) do this: PDQ's hash of
 * them moves by 40 to 130 bits between frames 0.2 s apart, so a copy sampled at other moments has
 * no frame within the distance of it, however the copy was made. Such frames are kept and indexed
 * (an exact copy still finds them) but not counted in a share.
 */
export function steadyFlags(frames: readonly KeptFrame[], maxDistance: number): boolean[] {
  return frames.map((frame, i) => {
    if (frame.untilSeconds > frame.seconds) {
      // Its run spans two or more scanned frames within the collapse distance of each other.
      return true;
    }
    const near = (other: KeptFrame | undefined): boolean =>
      other !== undefined && pdqDistance(other.hash, frame.hash) <= maxDistance;
    return near(frames[i - 1]) || near(frames[i + 1]);
  });
}

/**
 * The frames a share counts, distinct by hash in first-seen order: those at or above `minQuality`
 * that are steady (see steadyFlags); all of those at or above the quality when none is steady.
 */
export function countedFrames<T extends KeptFrame>(
  frames: readonly T[],
  minQuality: number,
  maxDistance: number,
): T[] {
  const steady = steadyFlags(frames, maxDistance);
  const good = frames.filter((frame) => frame.quality >= minQuality);
  const steadyGood = frames.filter((frame, i) => frame.quality >= minQuality && steady[i]);
  const seen = new Set<string>();
  return (steadyGood.length > 0 ? steadyGood : good).filter((frame) => {
    const key = Buffer.from(frame.hash).toString('hex');
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
}

/** How much of each video the other contains (python-threatexchange's query and compared percentages). */
export interface VideoComparison {
  /** Share (0-1) of the query's distinct frames with a compared frame within the distance. */
  readonly queryShare: number;
  /** Share (0-1) of the compared video's distinct frames with a query frame within the distance. */
  readonly comparedShare: number;
}

/** Brute-force comparison of two bags of frame hashes (for two videos in hand; the index does the rest). */
export function compareVideos(
  query: readonly Uint8Array[],
  compared: readonly Uint8Array[],
  maxDistance: number,
): VideoComparison {
  const comparedHit = new Uint8Array(compared.length);
  let queryHits = 0;
  for (const q of query) {
    let hit = false;
    for (let i = 0; i < compared.length; i++) {
      if (pdqDistance(q, compared[i]!) <= maxDistance) {
        hit = true;
        comparedHit[i] = 1;
      }
    }
    if (hit) {
      queryHits++;
    }
  }
  const comparedHits = comparedHit.reduce((sum, v) => sum + v, 0);
  return {
    queryShare: query.length === 0 ? 0 : queryHits / query.length,
    comparedShare: compared.length === 0 ? 0 : comparedHits / compared.length,
  };
}

import { describe, expect, it } from 'vitest';
import { countedFrames, steadyFlags, type KeptFrame } from '#haven/signals/vpdq/vpdq-match.js';

/** A 256-bit hash with the first `ones` bits set: hashes of this family lie |a - b| bits apart. */
function hashWithBits(ones: number): Uint8Array {
  const hash = new Uint8Array(32);
  for (let bit = 0; bit < ones; bit++) {
    hash[bit >> 3]! |= 1 << (bit & 7);
  }
  return hash;
}

function frame(ones: number, seconds: number, options: { until?: number; quality?: number } = {}): KeptFrame {
  return {
    hash: hashWithBits(ones),
    quality: options.quality ?? 100,
    seconds,
    untilSeconds: options.until ?? seconds,
  };
}

describe('steady frames', () => {
  it('calls a lone frame far from both neighbours unsteady, and a run or a frame near a neighbour steady', () => {
    const frames = [
      frame(0, 0, { until: 0.4 }), // a run of three scanned frames
      frame(40, 0.6), // 40 from the one before, 60 from the one after
      frame(100, 0.8), // 60 from both
      frame(160, 1.0), // 60 before, 20 after
      frame(180, 1.2), // 20 before, nothing after
    ];
    expect(steadyFlags(frames, 31)).toEqual([true, false, false, true, true]);
    // A lone frame with no neighbour at all is not steady.
    expect(steadyFlags([frame(10, 0)], 31)).toEqual([false]);
  });

  it('counts steady frames of good quality once each, and every good frame when none is steady', () => {
    const frames = [
      frame(0, 0, { until: 0.4 }),
      frame(60, 0.6),
      frame(120, 0.8, { until: 1.0, quality: 30 }),
      frame(0, 1.2, { until: 1.4 }),
    ];
    expect(countedFrames(frames, 50, 31).map((f) => f.seconds)).toEqual([0]);
    const restless = [frame(0, 0), frame(60, 0.2), frame(120, 0.4, { quality: 30 }), frame(180, 0.6)];
    expect(countedFrames(restless, 50, 31).map((f) => f.seconds)).toEqual([0, 0.2, 0.6]);
    expect(countedFrames([], 50, 31)).toEqual([]);
  });
});

import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import type { FrameHash } from '#haven/signals/vpdq/vpdq-match.js';
import type { DecodedImage } from '#haven/signals/signal-type.js';
import { frameStepFor, sampleFrames, type FrameSelection } from '#haven/video/frame-sampler.js';
import type { VideoProbe } from '#haven/video/video-probe.js';

export interface HashingOptions {
  /** Seconds between count-selected frames (vPDQ's seconds_per_hash); 0 hashes every frame. */
  readonly secondsPerSample: number;
  /** Scene-change score that also selects a frame; null for count selection only (the reference). */
  readonly sceneThreshold: number | null;
}

export interface HashedFrame extends FrameHash {
  readonly image: DecodedImage;
}

/**
 * vPDQ hashes of the selected frames. `keep` decides which decoded frames stay in memory (for
 * keyframes and the contact sheet); all others are dropped right after hashing.
 */
export async function hashVideoFrames(
  filePath: string,
  probe: VideoProbe,
  options: HashingOptions,
  keep: (frame: FrameHash) => boolean = () => false,
  signal?: AbortSignal,
): Promise<{ frames: FrameHash[]; kept: HashedFrame[] }> {
  const selection: FrameSelection = {
    kind: 'count',
    frameStep: options.secondsPerSample <= 0 ? 1 : frameStepFor(options.secondsPerSample, probe.fps),
    sceneThreshold: options.sceneThreshold,
  };
  const frames: FrameHash[] = [];
  const kept: HashedFrame[] = [];
  await sampleFrames(
    filePath,
    probe,
    selection,
    ({ image, seconds }) => {
      const value = vpdqSignal.hashFrame(image);
      const frame = { hash: value.bytes, quality: value.quality ?? 0, seconds };
      frames.push(frame);
      if (keep(frame)) {
        kept.push({ ...frame, image });
      }
    },
    signal,
  );
  return { frames, kept };
}

import type { DecodedImage } from '#haven/signals/signal-type.js';
import { havenError, isHavenError } from '#haven/platform/errors/haven-error.js';
import { pdqDistance } from '#haven/signals/pdq/pdq-hex.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import { audioFingerprint } from '#haven/video/audio-fingerprint.js';
import { sampleFrames } from '#haven/video/frame-sampler.js';
import { shrinkFrame } from '#haven/video/frame-pictures.js';
import { withoutBars } from '#haven/video/letterbox.js';
import { probeVideo, type VideoProbe } from '#haven/video/video-probe.js';
import type { VideoSampling } from '#haven/video/video.types.js';

/** Frames of the contact sheet, spread evenly over the video. */
export const SHEET_FRAMES = 16;
/** Scene-change frames whose pictures are kept (the first ones; their hashes are all kept). */
const MAX_SCENE_PICTURES = 60;

/** A kept frame with, for scene changes and sheet frames, a small picture. */
export interface AnalysedFrame {
  readonly hash: Uint8Array;
  readonly quality: number;
  readonly seconds: number;
  untilSeconds: number;
  readonly sceneChange: boolean;
  picture: DecodedImage | null;
  sheet: boolean;
}

export interface FileAnalysis {
  readonly probe: VideoProbe;
  readonly framesScanned: number;
  readonly frames: AnalysedFrame[];
  readonly audioFingerprint: Uint32Array | null;
}

/**
 * Probes, scans and hashes a video file, and fingerprints its sound, in one decode of the picture
 * while fpcalc reads the sound. `scanPerSecond` frames are scanned per second of video: the first
 * reference frame of each slot (frames no other frame is predicted from are not decoded at all,
 * which halves the decoding of a typical H.264 file). A scanned frame is kept when it moved more
 * than `collapseDistance` from the last kept frame, so every scanned frame lies within that
 * distance of a kept one: a copy cut at any moment still finds its frames, while a still shot
 * costs one row. Throws VIDEO_UNREADABLE.
 */
export async function analyseVideoFile(
  filePath: string,
  sampling: VideoSampling,
  signal?: AbortSignal,
): Promise<FileAnalysis> {
  const probe = await probeVideo(filePath, signal);
  const frames: AnalysedFrame[] = [];
  const duration = probe.durationSeconds;
  const sheetTimes = Array.from({ length: SHEET_FRAMES }, (_, i) => ((i + 0.5) * duration) / SHEET_FRAMES);
  let nextSheet = 0;
  let scenePictures = 0;
  let previous: Uint8Array | null = null;
  let lastKept: AnalysedFrame | null = null;
  // The sound is fingerprinted by its own process while the frames are scanned.
  // A damaged sound track leaves the video without a fingerprint; the pictures still count.
  const sound = probe.hasAudio
    ? audioFingerprint(filePath, signal).catch((error: unknown) => {
        if (isHavenError(error) && error.code === 'VIDEO_UNREADABLE') {
          return null;
        }
        throw error;
      })
    : Promise.resolve(null);
  // Settled even if the scan fails first, so that no rejection goes unhandled.
  sound.catch(() => undefined);
  const scan = await sampleFrames(
    filePath,
    hashingSize(probe, sampling.hashSide),
    { kind: 'slots', perSecond: sampling.scanPerSecond },
    ({ image, seconds }) => {
      const value = vpdqSignal.hashFrame(withoutBars(image));
      const hash = value.bytes;
      const sceneChange = previous === null || pdqDistance(previous, hash) >= sampling.sceneDistance;
      previous = hash;
      let sheet = false;
      while (nextSheet < sheetTimes.length && seconds >= sheetTimes[nextSheet]!) {
        sheet = true;
        nextSheet++;
      }
      if (lastKept && !sceneChange && pdqDistance(lastKept.hash, hash) <= sampling.collapseDistance) {
        lastKept.untilSeconds = seconds;
        if (sheet && !lastKept.sheet) {
          // The frame stands for this moment on the sheet: it looks like its kept representative.
          lastKept.sheet = true;
          lastKept.picture ??= shrinkFrame(image);
        }
        return;
      }
      const wantsPicture = sheet || (sceneChange && scenePictures < MAX_SCENE_PICTURES);
      if (sceneChange && wantsPicture && !sheet) {
        scenePictures++;
      }
      lastKept = {
        hash,
        quality: value.quality ?? 0,
        seconds,
        untilSeconds: seconds,
        sceneChange,
        picture: wantsPicture ? shrinkFrame(image) : null,
        sheet,
      };
      frames.push(lastKept);
    },
    signal,
  );
  const scanned = scan.frames;
  const expected = probe.videoDurationSeconds;
  if (scan.partial || (expected > 4 && scan.lastSeconds < expected / 2)) {
    throw havenError('VIDEO_UNREADABLE', {
      reason: `truncated: frames end at ${scan.lastSeconds.toFixed(1)} s of ${expected.toFixed(1)} s`,
    });
  }
  if (!frames.some((frame) => frame.sheet) && frames[0]) {
    // Duration unknown (0): show what there is.
    frames[0].sheet = true;
  }
  const fingerprint = await sound;
  return { probe, framesScanned: scanned, frames, audioFingerprint: fingerprint };
}

/**
 * The size frames are decoded to for hashing: the coded size, or scaled down (SWS_AREA, aspect
 * kept) so that the longer side is `maxSide`. PDQ reduces every picture to 64x64 anyway; a smaller
 * frame moves a sixth of the bytes through the pipe and hashes three times faster, at a cost of a
 * few bits against the full-size hash (0 keeps the coded size, as the vPDQ reference does).
 */
export function hashingSize(
  probe: { readonly width: number; readonly height: number },
  maxSide: number,
): { width: number; height: number } {
  const longer = Math.max(probe.width, probe.height);
  if (maxSide <= 0 || longer <= maxSide) {
    return { width: probe.width, height: probe.height };
  }
  const scale = maxSide / longer;
  return {
    width: Math.max(8, 2 * Math.round((probe.width * scale) / 2)),
    height: Math.max(8, 2 * Math.round((probe.height * scale) / 2)),
  };
}

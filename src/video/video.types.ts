import type { KeptFrame } from '#haven/signals/vpdq/vpdq-match.js';
import type { VideoProbe } from '#haven/video/video-probe.js';

/** How frames are chosen for hashing (see config `video`). */
export interface VideoSampling {
  /** Frames hashed per second of video (one per slot of presentation time, see frame-sampler). */
  readonly scanPerSecond: number;
  /** Consecutive frames within this PDQ distance of the last kept one are not kept again. */
  readonly collapseDistance: number;
  /** A frame this far (PDQ distance) from the frame scanned before it starts a new scene. */
  readonly sceneDistance: number;
  /** Frames larger than this (longer side, pixels) are scaled down before hashing; 0 never. */
  readonly hashSide: number;
}

/** A kept frame as stored: its hash, time codes and, for scene changes and the sheet, pictures. */
export interface StoredFrame extends KeptFrame {
  readonly position: number;
  readonly sceneChange: boolean;
  readonly imageSha256: Uint8Array | null;
  readonly blurredSha256: Uint8Array | null;
}

/** Everything one analysis of a video produced, ready to be recorded. */
export interface VideoAnalysis {
  readonly probe: VideoProbe;
  readonly sampling: VideoSampling;
  readonly framesScanned: number;
  readonly frames: readonly StoredFrame[];
  readonly audioFingerprint: Uint32Array | null;
  readonly contactSheet: {
    readonly clear: Uint8Array;
    readonly blurred: Uint8Array;
    readonly width: number;
    readonly height: number;
  } | null;
}

/** The stored description of an analysed video (API and CLI). */
export interface VideoSummary {
  readonly mediaId: string;
  readonly container: string;
  readonly videoCodec: string;
  readonly audioCodec: string | null;
  readonly durationSeconds: number;
  readonly fps: number;
  readonly width: number;
  readonly height: number;
  readonly hasAudio: boolean;
  readonly createdTag: string | null;
  readonly tags: Record<string, string>;
  readonly framesScanned: number;
  readonly framesKept: number;
  readonly hasContactSheet: boolean;
  readonly hasAudioFingerprint: boolean;
}

export interface FrameRow {
  readonly position: number;
  readonly seconds: number;
  readonly untilSeconds: number;
  readonly hash: Uint8Array;
  readonly quality: number;
  readonly sceneChange: boolean;
  readonly imageSha256: Uint8Array | null;
  readonly blurredSha256: Uint8Array | null;
}

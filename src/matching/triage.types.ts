import type { Queryable } from '#haven/platform/db/database.js';

export type TriageStatus = 'new' | 'exact' | 'near';

/** What is known about a probe: its exact hashes and, for images, its perceptual hash variants. */
export interface Probe {
  readonly exact: readonly { readonly signal: string; readonly value: Uint8Array }[];
  readonly perceptual: readonly {
    readonly signal: string;
    readonly quality: number | null;
    /** The probe's own value first, then its transforms (rotations, flips). */
    readonly variants: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  }[];
}

export interface TriageMatch {
  readonly mediaId: string;
  readonly sha256: string;
  readonly distance: number;
  readonly signal: string;
  /** For perceptual matches found through a transform of the probe (e.g. 'rotate90'). */
  readonly transform: string | null;
  readonly kind: string;
  readonly cases: readonly string[];
  /**
   * Video matches: the share (0-1) of the probe's distinct frames found in the held medium (for a
   * probe image against a video: 1).
   */
  readonly similarity?: number;
  /** Video-to-video matches: the share of the held video's distinct frames found in the probe. */
  readonly heldSimilarity?: number;
  /** Time codes (seconds) of the matching frames: in the held video, or in the probe video when the held medium is an image. */
  readonly offsets?: readonly number[];
  /** Video-to-video matches: the probe's own time codes of its matching frames. */
  readonly probeOffsets?: readonly number[];
  /** Shared sound: how long (seconds) the shared stretch lasts from its offsets. */
  readonly segmentSeconds?: number;
}

export interface TriageResult {
  readonly status: TriageStatus;
  readonly matches: readonly TriageMatch[];
  /** Hash-set (bank) matches, known-good ones included; absent when no list matcher is configured. */
  readonly lists?: readonly ListMatch[];
}

/**
 * A match against an imported hash set: the set and its category of the entry, never the entry's
 * identity. `purpose: 'known_good'` marks the file as ignorable (operating-system or application file).
 */
export interface ListMatch {
  readonly list: string;
  readonly purpose: 'known' | 'known_good';
  readonly match: 'exact' | 'near';
  readonly signal: string;
  readonly distance: number;
  readonly transform: string | null;
  readonly scheme: string;
  readonly category: string | null;
  /** The category's common class (see sharing/categories/crosswalk.ts). */
  readonly classification: string;
  readonly baseline: boolean;
  readonly trust: string;
}

/** Matches probes against hash lists held outside the media tables (implemented by sharing). */
export interface ListMatcher {
  match(db: Queryable, probe: Probe): Promise<readonly ListMatch[]>;
}

export interface TriageOptions {
  /** Media first recorded by this ingest are not "held": an ingest is compared with what came before it. */
  readonly excludeIngestId?: string | undefined;
}

export interface PerceptualSettings {
  readonly maxDistance: number;
  readonly minQuality: number;
  /** Query the transforms of the probe as well as the probe itself. */
  readonly useVariants: boolean;
}

import type { Queryable } from '#haven/platform/db/database.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import type { TriageService } from '#haven/matching/triage.service.js';
import type { Probe, TriageMatch } from '#haven/matching/triage.types.js';
import { pdqSignal } from '#haven/signals/pdq/pdq-signal.js';
import { signalNamed } from '#haven/signals/registry.js';
import { vpdqSignal } from '#haven/signals/vpdq/vpdq-signal.js';
import type { VideoService } from '#haven/video/video.service.js';

/** A match of a held medium, with where it shows in that medium (time codes; none for an image). */
export interface MediumMatch {
  readonly match: TriageMatch;
  readonly here: readonly number[];
}

export interface MediaMatchesDeps {
  readonly triage: TriageService;
  readonly videos: VideoService;
}

/**
 * What else held matches a held medium, computed from its stored hashes the way ingest triage
 * computed it for a new file: exact hashes, PDQ against images and video frames, and for a video
 * its frames and sound. The medium itself is left out.
 */
export class MediaMatchesService {
  readonly #deps: MediaMatchesDeps;

  constructor(deps: MediaMatchesDeps) {
    this.#deps = deps;
  }

  async matchesOf(db: Queryable, medium: { id: string; kind: string }): Promise<MediumMatch[]> {
    const values = await signalValuesService.valuesOf(db, medium.id);
    const isVideo = medium.kind === 'video';
    // A video's own frame hashes are matched by the video triage (shares, both ways), not one by one.
    const probe = probeOf(isVideo ? values.filter((v) => v.signal !== vpdqSignal.name) : values);
    const byHash = await this.#deps.triage.triage(db, probe);
    const found = [...byHash.matches, ...(isVideo ? await this.#deps.videos.heldMatches(medium.id) : [])];
    const seen = new Set<string>();
    return found
      .filter((match) => {
        const key = `${match.signal}:${match.mediaId}`;
        if (match.mediaId === medium.id || seen.has(key)) {
          return false;
        }
        seen.add(key);
        return true;
      })
      .map((match) => ({ match, here: isVideo ? timeCodesInProbeVideo(match) : [] }));
  }
}

/** A held medium's stored hashes as triage asks for them; its PDQ also looks for videos showing it. */
function probeOf(values: readonly { signal: string; value: Uint8Array; quality: number | null }[]): Probe {
  return {
    exact: values
      .filter((v) => signalNamed(v.signal).matchKind === 'exact')
      .map((v) => ({ signal: v.signal, value: v.value })),
    perceptual: values
      .filter((v) => signalNamed(v.signal).matchKind === 'perceptual')
      .flatMap((v) => {
        const own = {
          signal: v.signal,
          quality: v.quality,
          variants: [{ name: 'original', bytes: v.value }],
        };
        return v.signal === pdqSignal.name ? [own, { ...own, signal: vpdqSignal.name }] : [own];
      }),
  };
}

/**
 * Where a match shows in the probe video: video-to-video and shared sound say it in `probeOffsets`,
 * a held image found in the video in `offsets` (the video's own time codes).
 */
function timeCodesInProbeVideo(match: TriageMatch): readonly number[] {
  if (match.probeOffsets) {
    return match.probeOffsets;
  }
  return match.kind === 'image' ? (match.offsets ?? []) : [];
}

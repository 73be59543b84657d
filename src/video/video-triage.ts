import { hex } from '#haven/platform/db/bytes.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { mediaService } from '#haven/media/media.service.js';
import type { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { signalValuesService } from '#haven/matching/signal-values.service.js';
import type { TriageMatch, TriageResult } from '#haven/matching/triage.types.js';
import { pdqDistance } from '#haven/signals/pdq/pdq-hex.js';
import { countedFrames, type KeptFrame } from '#haven/signals/vpdq/vpdq-match.js';
import { videoRepository } from '#haven/video/video.repository.js';

export interface VideoMatchSettings {
  /** Frame-to-frame (and frame-to-photo) PDQ distance that counts as the same picture. */
  readonly maxDistance: number;
  readonly minQuality: number;
  /** Share (0-1) of distinct frames, either way round, that makes two videos match. */
  readonly minShare: number;
}

const MAX_OFFSETS = 50;
const MAX_NEAR = 100;

interface VideoCandidate {
  readonly probeFrames: Set<number>;
  distance: number;
}

/**
 * Matches a video's frames against everything held: other videos (vPDQ rows, both shares) and
 * images (PDQ rows: any frame within the distance). Exact (SHA-256) matches are ingest's business.
 */
export class VideoTriage {
  readonly #indexes: SignalIndexes;
  readonly #settings: VideoMatchSettings;

  constructor(indexes: SignalIndexes, settings: VideoMatchSettings) {
    this.#indexes = indexes;
    this.#settings = settings;
  }

  get settings(): VideoMatchSettings {
    return this.#settings;
  }

  async triage(
    db: Queryable,
    frames: readonly KeptFrame[],
    options: { excludeMediaId?: string | null; excludeIngestId?: string | undefined },
  ): Promise<TriageResult> {
    const { maxDistance, minQuality, minShare } = this.#settings;
    // Both shares count the steady frames at or above the quality floor (see countedFrames).
    const probe = countedFrames(frames, minQuality, maxDistance);
    const videos = new Map<number, { rows: Set<number>; frames: Set<number>; distance: number }>();
    const images = new Map<number, VideoCandidate>();
    probe.forEach((frame, position) => {
      for (const [signal, target] of [
        ['vpdq', 'video'],
        ['pdq', 'image'],
      ] as const) {
        if (!this.#indexes.has(signal)) {
          continue;
        }
        for (const hit of this.#indexes.query(signal, frame.hash, maxDistance)) {
          if (target === 'video') {
            // Keyed by row here; regrouped per medium once rows are mapped to media.
            const entry = videos.get(hit.id) ?? {
              rows: new Set([hit.id]),
              frames: new Set<number>(),
              distance: hit.distance,
            };
            entry.frames.add(position);
            entry.distance = Math.min(entry.distance, hit.distance);
            videos.set(hit.id, entry);
          } else {
            const entry = images.get(hit.id) ?? { probeFrames: new Set<number>(), distance: hit.distance };
            entry.probeFrames.add(position);
            entry.distance = Math.min(entry.distance, hit.distance);
            images.set(hit.id, entry);
          }
        }
      }
    });
    const mediaOf = await signalValuesService.mediaOfRows(db, [...videos.keys(), ...images.keys()]);
    const byVideo = new Map<string, { rows: Set<number>; frames: Set<number>; distance: number }>();
    for (const [row, entry] of videos) {
      const mediaId = mediaOf.get(row);
      if (mediaId === undefined || mediaId === options.excludeMediaId) {
        continue;
      }
      const merged = byVideo.get(mediaId) ?? {
        rows: new Set<number>(),
        frames: new Set<number>(),
        distance: entry.distance,
      };
      entry.frames.forEach((f) => merged.frames.add(f));
      merged.rows.add(row);
      merged.distance = Math.min(merged.distance, entry.distance);
      byVideo.set(mediaId, merged);
    }
    const byImage = new Map<string, VideoCandidate>();
    for (const [row, entry] of images) {
      const mediaId = mediaOf.get(row);
      if (mediaId === undefined || mediaId === options.excludeMediaId) {
        continue;
      }
      const merged = byImage.get(mediaId) ?? { probeFrames: new Set<number>(), distance: entry.distance };
      entry.probeFrames.forEach((f) => merged.probeFrames.add(f));
      merged.distance = Math.min(merged.distance, entry.distance);
      byImage.set(mediaId, merged);
    }
    const heldFrames = await videoRepository.framesOfMedia(db, [...byVideo.keys()]);
    const found: Omit<TriageMatch, 'sha256' | 'kind' | 'cases'>[] = [];
    for (const [mediaId, entry] of byVideo) {
      const similarity = probe.length === 0 ? 0 : entry.frames.size / probe.length;
      const all = heldFrames.get(mediaId) ?? [];
      const inProbe = (f: KeptFrame): boolean =>
        probe.some((p) => pdqDistance(p.hash, f.hash) <= maxDistance);
      const held = countedFrames(all, minQuality, maxDistance);
      const heldSimilarity = held.filter(inProbe).length / Math.max(1, held.length);
      // Time codes of every good held frame the probe found, steady or not.
      const heldMatched = all.filter((f) => f.quality >= minQuality && inProbe(f));
      if (Math.max(similarity, heldSimilarity) < minShare) {
        continue;
      }
      found.push({
        mediaId,
        distance: entry.distance,
        signal: 'vpdq',
        transform: null,
        similarity: round(similarity),
        heldSimilarity: round(heldSimilarity),
        offsets: heldMatched.slice(0, MAX_OFFSETS).map((f) => round(f.seconds)),
        probeOffsets: [...entry.frames]
          .sort((a, b) => a - b)
          .slice(0, MAX_OFFSETS)
          .map((i) => round(probe[i]!.seconds)),
      });
    }
    for (const [mediaId, entry] of byImage) {
      const positions = [...entry.probeFrames].sort((a, b) => a - b);
      found.push({
        mediaId,
        distance: entry.distance,
        signal: 'pdq',
        transform: null,
        similarity: round(positions.length / Math.max(1, probe.length)),
        offsets: positions.slice(0, MAX_OFFSETS).map((i) => round(probe[i]!.seconds)),
      });
    }
    const summaries = await mediaService.summaries(
      db,
      found.map((m) => m.mediaId),
      options.excludeIngestId,
    );
    const held = new Map(
      summaries.filter((m) => m.firstIngestId !== options.excludeIngestId).map((m) => [m.id, m]),
    );
    const matches: TriageMatch[] = found
      .filter((m) => held.has(m.mediaId))
      .map((m) => {
        const media = held.get(m.mediaId)!;
        return { ...m, sha256: hex(media.sha256), kind: media.kind, cases: media.cases };
      })
      .sort(
        (a, b) =>
          (b.similarity ?? 0) - (a.similarity ?? 0) ||
          a.distance - b.distance ||
          a.sha256.localeCompare(b.sha256),
      )
      .slice(0, MAX_NEAR);
    return { status: matches.length > 0 ? 'near' : 'new', matches };
  }

  /** Time codes in a held video of the frames within the distance of a photo's PDQ (image -> video). */
  async offsetsOfImage(db: Queryable, mediaId: string, hashes: readonly Uint8Array[]): Promise<number[]> {
    const frames = (await videoRepository.framesOfMedia(db, [mediaId])).get(mediaId) ?? [];
    return frames
      .filter((f) => hashes.some((h) => pdqDistance(h, f.hash) <= this.#settings.maxDistance))
      .slice(0, MAX_OFFSETS)
      .map((f) => round(f.seconds));
  }
}

const round = (seconds: number): number => Math.round(seconds * 1000) / 1000;

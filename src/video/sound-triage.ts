import { mediaService } from '#haven/media/media.service.js';
import type { TriageMatch } from '#haven/matching/triage.types.js';
import { hex } from '#haven/platform/db/bytes.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { fingerprintItems } from '#haven/video/audio-fingerprint.js';
import { matchAudio, type AudioSegment } from '#haven/video/audio-match.js';
import { videoRepository } from '#haven/video/video.repository.js';

const MAX_SOUND_MATCHES = 20;
const round = (value: number): number => Math.round(value * 100) / 100;

/**
 * Held videos sharing a stretch of sound with a newly analysed one (same room TV, same music,
 * same voice), as triage matches with signal `chromaprint`: `similarity` is the share of the
 * stretch that agrees, `offsets` where it starts in the held video, `probeOffsets` where it starts
 * in the new one, `segmentSeconds` how long it lasts. Media first recorded by the same ingest (when
 * given) are left out, as for picture matches.
 */
export async function soundMatches(
  db: Queryable,
  fingerprint: Uint32Array | null,
  options: { mediaId: string; excludeIngestId?: string | undefined },
): Promise<TriageMatch[]> {
  if (!fingerprint || fingerprint.length === 0) {
    return [];
  }
  const found: { mediaId: string; segment: AudioSegment }[] = [];
  for (const other of await videoRepository.audioFingerprints(db, options.mediaId)) {
    const segment = matchAudio(fingerprint, fingerprintItems(other.fingerprint));
    if (segment) {
      found.push({ mediaId: other.mediaId, segment });
    }
  }
  if (found.length === 0) {
    return [];
  }
  const summaries = await mediaService.summaries(
    db,
    found.map((f) => f.mediaId),
    options.excludeIngestId,
  );
  const held = new Map(
    summaries.filter((m) => m.firstIngestId !== options.excludeIngestId).map((m) => [m.id, m]),
  );
  return found
    .filter((f) => held.has(f.mediaId))
    .sort((a, b) => b.segment.seconds - a.segment.seconds || a.mediaId.localeCompare(b.mediaId))
    .slice(0, MAX_SOUND_MATCHES)
    .map(({ mediaId, segment }) => {
      const media = held.get(mediaId)!;
      return {
        mediaId,
        sha256: hex(media.sha256),
        distance: 0,
        signal: 'chromaprint',
        transform: null,
        kind: media.kind,
        cases: media.cases,
        similarity: round(segment.agreement),
        offsets: [round(segment.otherStart)],
        probeOffsets: [round(segment.start)],
        segmentSeconds: round(segment.seconds),
      };
    });
}

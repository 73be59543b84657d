import type { Queryable } from '#haven/platform/db/database.js';
import { hex } from '#haven/platform/db/bytes.js';
import { mediaService } from '#haven/media/media.service.js';
import type { SignalIndexes } from '#haven/matching/signal-indexes.js';
import { signalValuesRepository } from '#haven/matching/signal-values.repository.js';
import type {
  ListMatcher,
  PerceptualSettings,
  Probe,
  TriageMatch,
  TriageOptions,
  TriageResult,
} from '#haven/matching/triage.types.js';

const MAX_NEAR_MATCHES = 100;

/** Time codes (seconds) in a held video of the frames matching these PDQ hashes. */
export type VideoOffsets = (
  db: Queryable,
  mediaId: string,
  hashes: readonly Uint8Array[],
) => Promise<number[]>;

interface Candidate {
  distance: number;
  signal: string;
  transform: string | null;
}

/** Compares a probe with everything held: exact on any crypto hash, near on perceptual hashes. */
export class TriageService {
  readonly #indexes: SignalIndexes;
  readonly #settings: ReadonlyMap<string, PerceptualSettings>;
  readonly #lists: ListMatcher | undefined;

  readonly #videoOffsets: VideoOffsets | undefined;

  constructor(
    indexes: SignalIndexes,
    settings: ReadonlyMap<string, PerceptualSettings>,
    lists?: ListMatcher,
    videoOffsets?: VideoOffsets,
  ) {
    this.#indexes = indexes;
    this.#settings = settings;
    this.#lists = lists;
    this.#videoOffsets = videoOffsets;
  }

  async triage(db: Queryable, probe: Probe, options: TriageOptions = {}): Promise<TriageResult> {
    const exactHits = await signalValuesRepository.mediaWithValues(db, probe.exact);
    const exact = new Map<string, Candidate>();
    for (const hit of exactHits) {
      // sha256 first: it names the content itself; md5/sha1 agreement alone is reported as such.
      const previous = exact.get(hit.mediaId);
      if (!previous || hit.signal === 'sha256') {
        exact.set(hit.mediaId, { distance: 0, signal: hit.signal, transform: null });
      }
    }
    const near = await this.#nearCandidates(db, probe);
    for (const mediaId of exact.keys()) {
      near.delete(mediaId);
    }
    const summaries = await mediaService.summaries(
      db,
      [...exact.keys(), ...near.keys()],
      options.excludeIngestId,
    );
    const held = summaries.filter((media) => media.firstIngestId !== options.excludeIngestId);
    const toMatch = (candidate: Candidate, media: (typeof held)[number]): TriageMatch => ({
      mediaId: media.id,
      sha256: hex(media.sha256),
      distance: candidate.distance,
      signal: candidate.signal,
      transform: candidate.transform,
      kind: media.kind,
      cases: media.cases,
    });
    const exactMatches = held.filter((m) => exact.has(m.id)).map((m) => toMatch(exact.get(m.id)!, m));
    const nearMatches = held
      .filter((m) => near.has(m.id))
      .map((m) => toMatch(near.get(m.id)!, m))
      .sort((a, b) => a.distance - b.distance || a.sha256.localeCompare(b.sha256))
      .slice(0, MAX_NEAR_MATCHES);
    exactMatches.sort((a, b) => a.sha256.localeCompare(b.sha256));
    await this.#addVideoOffsets(db, probe, nearMatches);
    // Hash-set matches count as known material too; known-good ones leave the status alone.
    const lists = this.#lists ? await this.#lists.match(db, probe) : undefined;
    const known = (lists ?? []).filter((list) => list.purpose === 'known');
    const status =
      exactMatches.length > 0 || known.some((list) => list.match === 'exact')
        ? 'exact'
        : nearMatches.length > 0 || known.length > 0
          ? 'near'
          : 'new';
    return {
      status,
      matches: [...exactMatches, ...nearMatches],
      ...(lists && lists.length > 0 ? { lists } : {}),
    };
  }

  /** A photo found in videos: where in each video it appears (time codes). */
  async #addVideoOffsets(db: Queryable, probe: Probe, matches: TriageMatch[]): Promise<void> {
    const lookup = this.#videoOffsets;
    if (!lookup) {
      return;
    }
    const hashes = probe.perceptual
      .filter((p) => p.signal === 'vpdq')
      .flatMap((p) => p.variants.slice(0, 1).map((v) => v.bytes));
    for (const [i, match] of matches.entries()) {
      if (match.kind === 'video' && match.signal === 'vpdq') {
        matches[i] = { ...match, similarity: 1, offsets: await lookup(db, match.mediaId, hashes) };
      }
    }
  }

  async #nearCandidates(db: Queryable, probe: Probe): Promise<Map<string, Candidate>> {
    const byRow = new Map<number, Candidate>();
    for (const perceptual of probe.perceptual) {
      const settings = this.#settings.get(perceptual.signal);
      if (
        !settings ||
        !this.#indexes.has(perceptual.signal) ||
        (perceptual.quality ?? 0) < settings.minQuality
      ) {
        continue;
      }
      const variants = settings.useVariants ? perceptual.variants : perceptual.variants.slice(0, 1);
      variants.forEach((variant, position) => {
        for (const hit of this.#indexes.query(perceptual.signal, variant.bytes, settings.maxDistance)) {
          const previous = byRow.get(hit.id);
          if (!previous || hit.distance < previous.distance) {
            byRow.set(hit.id, {
              distance: hit.distance,
              signal: perceptual.signal,
              transform: position === 0 ? null : variant.name,
            });
          }
        }
      });
    }
    const mediaOf = await signalValuesRepository.mediaOfRows(db, [...byRow.keys()]);
    const byMedia = new Map<string, Candidate>();
    for (const [rowId, candidate] of byRow) {
      const mediaId = mediaOf.get(rowId);
      if (mediaId === undefined) {
        continue;
      }
      const previous = byMedia.get(mediaId);
      if (!previous || candidate.distance < previous.distance) {
        byMedia.set(mediaId, candidate);
      }
    }
    return byMedia;
  }
}

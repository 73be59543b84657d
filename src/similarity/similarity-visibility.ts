import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { seriesService } from '#haven/series/series.service.js';
import type { SeriesFact } from '#haven/series/series.types.js';
import type { SimilarityHit, SimilarityKind } from './similarity.types.js';

export type ShownSimilarity =
  | (Omit<SimilarityHit, 'sha256' | 'globalSimilarity'> & {
      readonly restricted: false;
      readonly sha256: string;
      readonly globalSimilarity: number | null;
      readonly series: readonly SeriesFact[];
    })
  | {
      readonly restricted: true;
      readonly kind: SimilarityKind;
      readonly accepted: true;
      readonly score: number;
      readonly inliers: number;
      readonly holders: readonly {
        readonly agency: string;
        readonly country: string;
        readonly contact: string | null;
      }[];
      readonly series: readonly SeriesFact[];
    };

/**
 * Applies sharing levels to similarity hits: full detail (medium, hash, matched points) within
 * them; outside them only that a match exists, how strong, and which agency holds it. The matched
 * points are withheld too: they trace the other picture's content. An unconfirmed candidate
 * outside them is left out: a mere resemblance is no reason to send anyone to another agency.
 */
export async function similarityFor(
  db: Queryable,
  actor: Actor,
  hits: readonly SimilarityHit[],
): Promise<ShownSimilarity[]> {
  const visible = await accessService.visibleMedia(db, actor, [...new Set(hits.map((hit) => hit.mediaId))]);
  const shown = hits.filter((hit) => hit.accepted || visible.has(hit.mediaId));
  const ids = [...new Set(shown.map((hit) => hit.mediaId))];
  const [holders, series] = await Promise.all([
    accessService.holders(
      db,
      ids.filter((id) => !visible.has(id)),
    ),
    seriesService.factsForMedia(db, actor, ids),
  ]);
  return shown.map((hit): ShownSimilarity => {
    if (visible.has(hit.mediaId)) {
      return {
        ...hit,
        sha256: Buffer.from(hit.sha256).toString('hex'),
        globalSimilarity: hit.globalSimilarity ?? null,
        restricted: false,
        series: series.get(hit.mediaId) ?? [],
      };
    }
    return {
      restricted: true,
      kind: hit.kind,
      accepted: true,
      score: hit.score,
      inliers: hit.inliers,
      holders: (holders.get(hit.mediaId) ?? []).map((holder) => ({
        agency: holder.name,
        country: holder.country,
        contact: holder.contact,
      })),
      series: series.get(hit.mediaId) ?? [],
    };
  });
}

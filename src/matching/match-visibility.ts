import type { Actor } from '#haven/access/actor.js';
import { accessService } from '#haven/access/access.service.js';
import type { TriageMatch } from '#haven/matching/triage.types.js';
import type { Queryable } from '#haven/platform/db/database.js';
import { seriesService } from '#haven/series/series.service.js';
import type { SeriesFact } from '#haven/series/series.types.js';

/**
 * A match the caller may not see in detail: that it exists, how close it is and who holds it (so
 * that nobody repeats work done elsewhere and knows where to ask), and nothing that identifies the
 * medium or the case.
 */
export interface RestrictedMatch {
  readonly restricted: true;
  readonly distance: number;
  readonly signal: string;
  readonly transform: string | null;
  readonly kind: string;
  readonly similarity?: number;
  readonly holders: readonly {
    readonly agency: string;
    readonly country: string;
    readonly contact: string | null;
  }[];
  readonly series: readonly SeriesFact[];
}

export type ShownMatch =
  (TriageMatch & { readonly restricted: false; readonly series: readonly SeriesFact[] }) | RestrictedMatch;

/** Applies sharing levels to matches: details within them, existence always. */
export async function matchesFor(
  db: Queryable,
  actor: Actor,
  matches: readonly TriageMatch[],
): Promise<ShownMatch[]> {
  const ids = [...new Set(matches.map((match) => match.mediaId))];
  const visible = await accessService.visibleMedia(db, actor, ids);
  const hidden = ids.filter((id) => !visible.has(id));
  const [references, holders, series] = await Promise.all([
    accessService.visibleCaseReferences(db, actor, [...visible]),
    accessService.holders(db, hidden),
    // Series are shown by their own sharing, whatever the case's: a restricted match still says
    // whether its series' victim is identified, and whom to ask.
    seriesService.factsForMedia(db, actor, ids),
  ]);
  return matches.map((match): ShownMatch => {
    if (visible.has(match.mediaId)) {
      return {
        ...match,
        cases: references.get(match.mediaId) ?? [],
        restricted: false,
        series: series.get(match.mediaId) ?? [],
      };
    }
    return {
      restricted: true,
      distance: match.distance,
      signal: match.signal,
      transform: match.transform,
      kind: match.kind,
      ...(match.similarity === undefined ? {} : { similarity: match.similarity }),
      holders: (holders.get(match.mediaId) ?? []).map((holder) => ({
        agency: holder.name,
        country: holder.country,
        contact: holder.contact,
      })),
      series: series.get(match.mediaId) ?? [],
    };
  });
}

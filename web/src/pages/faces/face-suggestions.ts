import { api, type Schemas } from '../../api/client';

export type Suggestion = Schemas['FaceSuggestion'];
export type SuggestionFilter = 'open' | 'accepted' | 'rejected' | 'all';

/** A series as a suggestion names it: number and title when visible. */
export interface SeriesLabel {
  readonly number: string;
  readonly title: string;
}

/** Suggestions of one series, or of every series the user may see, and the score threshold. */
export async function loadSuggestions(
  seriesId: string | null,
  filter: SuggestionFilter,
): Promise<{ suggestions: Suggestion[]; threshold: number }> {
  const listed = seriesId
    ? await api.get('/api/v1/series/{id}/face-suggestions', { path: { id: seriesId } })
    : await api.get('/api/v1/face-suggestions', { query: filter === 'all' ? {} : { state: filter } });
  return {
    threshold: listed.threshold,
    suggestions: listed.suggestions.filter((s) => filter === 'all' || s.state === filter),
  };
}

/** Numbers and titles of the series the suggestions name (only those the user may see). */
export async function seriesLabels(suggestions: readonly Suggestion[]): Promise<Map<string, SeriesLabel>> {
  const ids = new Set<string>();
  for (const s of suggestions) {
    ids.add(s.seriesId);
    if (!s.other.restricted) {
      ids.add(s.other.seriesId);
    }
  }
  const labels = new Map<string, SeriesLabel>();
  await Promise.all(
    [...ids].map(async (id) => {
      const series = await api.get('/api/v1/series/{id}', { path: { id } });
      labels.set(id, { number: series.number, title: series.title });
    }),
  );
  return labels;
}

export const percent = (score: number): string => `${Math.round(score * 100)}%`;

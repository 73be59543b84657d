import { api } from '../../api/client';
import type { ResultItem } from '../media/MediaTile';

/** Review order: what nobody has seen before comes first. */
export const REVIEW_ORDER: readonly ResultItem['status'][] = ['new', 'near', 'exact', 'error', 'pending'];

/** Every result of an ingest, page by page. */
export async function allResults(id: string): Promise<ResultItem[]> {
  const items: ResultItem[] = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api.get('/api/v1/ingests/{id}/results', {
      path: { id },
      query: { offset, limit: 1000 },
    });
    items.push(...page.items);
    if (page.items.length < 1000) {
      return items;
    }
  }
}

/** One tile per medium across ingests (its first occurrence), new ones first. */
export function distinctMedia(items: readonly ResultItem[]): ResultItem[] {
  const seen = new Set<string>();
  const kept = items.filter((item) => {
    const key = item.mediaId ?? `path:${item.path}`;
    if (seen.has(key)) {
      return false;
    }
    seen.add(key);
    return true;
  });
  return kept.sort((a, b) => REVIEW_ORDER.indexOf(a.status) - REVIEW_ORDER.indexOf(b.status));
}

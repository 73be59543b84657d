import type { IngestItemResult } from '#haven/ingest/ingest.types.js';

/**
 * The order a specialist works through a triage: new images first (nobody has seen them), then
 * near duplicates (to confirm), other new files, errors, and last what is already held.
 */
export function reviewRank(item: IngestItemResult): number {
  if (isKnownGood(item)) {
    return 5;
  }
  if (item.status === 'new') {
    return item.kind === 'image' ? 0 : 2;
  }
  if (item.status === 'near') {
    return 1;
  }
  if (item.status === 'error') {
    return 3;
  }
  return 4;
}

/** New, but in a known-good hash set (an operating-system or application file): ignorable. */
export function isKnownGood(item: IngestItemResult): boolean {
  return item.status === 'new' && (item.lists ?? []).some((list) => list.purpose === 'known_good');
}

export function inReviewOrder(items: readonly IngestItemResult[]): IngestItemResult[] {
  return items
    .map((item, position) => ({ item, position }))
    .sort((a, b) => reviewRank(a.item) - reviewRank(b.item) || a.position - b.position)
    .map(({ item }) => item);
}

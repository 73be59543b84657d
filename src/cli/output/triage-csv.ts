import type { IngestItemResult } from '#haven/ingest/ingest.types.js';
import { inReviewOrder, isKnownGood } from '#haven/cli/output/review-order.js';

const COLUMNS = [
  'review_order',
  'path',
  'status',
  'kind',
  'mime',
  'sha256',
  'best_match_sha256',
  'best_match_distance',
  'best_match_transform',
  'match_count',
  'matched_cases',
  'error',
  'hash_sets',
  'known_good',
] as const;

/** The triage as CSV (RFC 4180), one row per file, in review order. */
export function triageCsv(items: readonly IngestItemResult[]): string {
  const rows = inReviewOrder(items).map((item, i) => {
    const best = item.matches[0];
    const cases = [...new Set(item.matches.flatMap((match) => match.cases))].sort();
    return [
      String(i + 1),
      item.path,
      item.status ?? 'pending',
      item.kind ?? '',
      item.mime ?? '',
      item.sha256 ?? '',
      best?.sha256 ?? '',
      best === undefined ? '' : String(best.distance),
      best?.transform ?? '',
      String(item.matches.length),
      cases.join('; '),
      item.error ?? '',
      (item.lists ?? [])
        .filter((list) => list.purpose === 'known')
        .map(
          (list) =>
            `${list.list} (${list.match} ${list.signal}${list.match === 'near' ? ` ${list.distance}` : ''}, ${list.classification}${list.baseline ? ', baseline' : ''})`,
        )
        .join('; '),
      isKnownGood(item) ? 'yes' : '',
    ];
  });
  return (
    [COLUMNS as readonly string[], ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n'
  );
}

function csvCell(value: string): string {
  // A leading = + - @ would make spreadsheets run the cell as a formula.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

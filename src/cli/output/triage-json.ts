import type { IngestItemResult } from '#haven/ingest/ingest.types.js';

/** The per-file JSON line of `haven ingest --json` and `haven match --json`. */
export function itemJson(item: IngestItemResult): Record<string, unknown> {
  return {
    path: item.path,
    sha256: item.sha256,
    status: item.status ?? 'pending',
    matches: item.matches.map((match) => ({
      mediaId: match.mediaId,
      sha256: match.sha256,
      distance: match.distance,
      signal: match.signal,
      transform: match.transform,
      cases: match.cases,
    })),
    kind: item.kind,
    mime: item.mime,
    ...(item.lists && item.lists.length > 0 ? { hashSets: item.lists } : {}),
    ...(item.status === 'error' ? { error: item.error, errorCode: item.errorCode } : {}),
  };
}

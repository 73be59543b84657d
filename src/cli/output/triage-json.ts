import type { IngestItemResult } from '#haven/ingest/ingest.types.js';
import type { TriageMatch } from '#haven/matching/triage.types.js';

/** Video matches add how much matched (similarity, both ways) and where (time codes in seconds). */
function videoFields(match: TriageMatch): Record<string, unknown> {
  if (match.similarity === undefined) {
    return {};
  }
  return {
    similarity: match.similarity,
    offsets: match.offsets ?? [],
    ...(match.heldSimilarity === undefined ? {} : { heldSimilarity: match.heldSimilarity }),
    ...(match.probeOffsets === undefined ? {} : { probeOffsets: match.probeOffsets }),
  };
}

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
      ...videoFields(match),
    })),
    kind: item.kind,
    mime: item.mime,
    ...(item.lists && item.lists.length > 0 ? { hashSets: item.lists } : {}),
    ...(item.status === 'error' ? { error: item.error, errorCode: item.errorCode } : {}),
  };
}

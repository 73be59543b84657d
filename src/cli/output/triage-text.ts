import type { IngestItemResult, IngestSummary } from '#haven/ingest/ingest.types.js';
import { isKnownGood } from '#haven/cli/output/review-order.js';
import type { ListMatch, TriageMatch } from '#haven/matching/triage.types.js';

const LIST_LIMIT = 50;

/** The triage summary a person reads after an ingest or a match. */
export function triageText(
  title: string,
  summary: SummaryCounts,
  items: readonly IngestItemResult[],
): string {
  const lines: string[] = [title];
  lines.push(
    `  files: ${summary.files}   new: ${summary.new} (new images to review: ${summary.newImages}${summary.newVideos > 0 ? `, new videos: ${summary.newVideos}` : ''})   ` +
      `near: ${summary.near}   exact: ${summary.exact}   errors: ${summary.error}` +
      (summary.pending > 0 ? `   unfinished: ${summary.pending}` : ''),
  );
  if (summary.distinctMedia !== undefined) {
    const kinds = Object.entries(summary.byKind ?? {})
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    lines.push(`  distinct contents: ${summary.distinctMedia}${kinds ? `; by kind: ${kinds}` : ''}`);
  }
  const section = (
    heading: string,
    chosen: IngestItemResult[],
    describe: (item: IngestItemResult) => string,
  ): void => {
    if (chosen.length === 0) {
      return;
    }
    lines.push('', `${heading} (${chosen.length}):`);
    for (const item of chosen.slice(0, LIST_LIMIT)) {
      lines.push(`  ${describe(item)}`);
    }
    if (chosen.length > LIST_LIMIT) {
      lines.push(`  ... and ${chosen.length - LIST_LIMIT} more (--csv or --json lists every file)`);
    }
  };
  section(
    'Review first: new images',
    items.filter((item) => item.status === 'new' && item.kind === 'image' && !isKnownGood(item)),
    (item) => item.path,
  );
  section(
    'Near duplicates of held media',
    items.filter((item) => item.status === 'near'),
    (item) =>
      `${item.path}  ~ ${describeBest(item)}${item.matches.length > 1 ? ` (+${item.matches.length - 1} more)` : ''}`,
  );
  section(
    'New, not images',
    items.filter((item) => item.status === 'new' && item.kind !== 'image' && !isKnownGood(item)),
    (item) => `${item.path}  (${item.mime ?? 'unknown type'})`,
  );
  section(
    'Errors',
    items.filter((item) => item.status === 'error'),
    (item) => `${item.path}  ${item.error ?? ''}`,
  );
  section(
    'Already held (exact copies)',
    items.filter((item) => item.status === 'exact'),
    (item) => `${item.path}  = ${describeBest(item)}`,
  );
  section(
    'Known good (ignorable: in a known-good hash set)',
    items.filter(isKnownGood),
    (item) =>
      `${item.path}  (${(item.lists ?? [])
        .filter((l) => l.purpose === 'known_good')
        .map((l) => l.list)
        .join(', ')})`,
  );
  return lines.join('\n');
}

/** The counts a triage summary shows; an ingest's summary has them all, a `match` run the first ones. */
export type SummaryCounts = Pick<
  IngestSummary,
  'files' | 'new' | 'exact' | 'near' | 'error' | 'pending' | 'newImages' | 'newVideos'
> &
  Partial<Pick<IngestSummary, 'distinctMedia' | 'byKind'>>;

/** The best held match, else the hash-set matches (set names and their categories). */
function describeBest(item: IngestItemResult): string {
  if (item.matches[0]) {
    return describeMatch(item.matches[0]) + describeLists(item.lists, ' + ');
  }
  return describeLists(item.lists, '');
}

function describeLists(lists: readonly ListMatch[] | undefined, prefix: string): string {
  const known = (lists ?? []).filter((list) => list.purpose === 'known');
  if (known.length === 0) {
    return '';
  }
  const text = known
    .map(
      (list) =>
        `hash set ${list.list} (${list.match === 'exact' ? `same ${list.signal}` : `${list.signal} distance ${list.distance}`}; ` +
        `${list.classification}${list.baseline ? ', Baseline' : ''})`,
    )
    .join(', ');
  return prefix + text;
}

function describeMatch(match: TriageMatch | undefined): string {
  if (!match) {
    return '';
  }
  const how =
    match.distance === 0 && match.signal !== 'pdq' && match.signal !== 'vpdq'
      ? `same ${match.signal}`
      : `${match.signal} distance ${match.distance}${match.transform ? `, ${match.transform}` : ''}${videoPart(match)}`;
  const cases = match.cases.length > 0 ? ` in case ${match.cases.join(', ')}` : '';
  return `${match.sha256.slice(0, 16)}… (${how})${cases}`;
}

/** For video matches: how much matched and where ("80% of frames, at 12.0 s, 13.2 s"). */
function videoPart(match: TriageMatch): string {
  if (match.similarity === undefined) {
    return '';
  }
  const at = (match.offsets ?? []).slice(0, 3).map((t) => `${t.toFixed(1)} s`);
  return `, ${Math.round(match.similarity * 100)}% of frames${at.length > 0 ? `, at ${at.join(', ')}` : ''}`;
}

/** Counts for a list of results (for `haven match`, which has no stored ingest). */
export function countResults(items: readonly IngestItemResult[]): SummaryCounts {
  const count = (status: string): number => items.filter((item) => item.status === status).length;
  return {
    files: items.length,
    new: count('new'),
    exact: count('exact'),
    near: count('near'),
    error: count('error'),
    pending: 0,
    newImages: items.filter((item) => item.status === 'new' && item.kind === 'image').length,
    newVideos: items.filter((item) => item.status === 'new' && item.kind === 'video').length,
  };
}

import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { formatTime } from '../../components/format';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { can, useSession } from '../../app/session';
import { CreateSeriesFromTriage } from '../series/CreateSeriesFromTriage';
import { MediaTile, type ResultItem } from '../media/MediaTile';
import { allResults, REVIEW_ORDER as ORDER } from './ingest-results';

type Item = ResultItem;
type Status = Item['status'];

const LABELS: Readonly<Record<Status, string>> = {
  new: 'New',
  near: 'Near-identical to held material',
  exact: 'Already held',
  error: 'Could not be analysed',
  pending: 'Waiting',
};

/** An ingest's progress while it runs, then its triage: new first, each with its matches. */
export function IngestPage({ id }: { id: string }): ReactNode {
  const ingest = useLoad(() => api.get('/api/v1/ingests/{id}', { path: { id } }), [id]);
  const finished = ingest.data?.state === 'done' || ingest.data?.state === 'failed';
  const results = useLoad(() => allResults(id), [id, finished]);
  const [filter, setFilter] = useState<Status | 'all'>('all');
  const { session } = useSession();

  // Poll while the ingest runs.
  useEffect(() => {
    if (ingest.data === undefined || finished) {
      return;
    }
    const timer = window.setTimeout(ingest.reload, 1000);
    return () => {
      window.clearTimeout(timer);
    };
  }, [ingest.data, finished, ingest.reload]);

  return (
    <Loaded state={ingest} what="the ingest">
      {(current) => {
        const { progress } = current;
        const processed = progress.files - progress.pending;
        return (
          <>
            <PageHeader title={`Triage of ${current.caseReference}`}>
              <Link to={`/cases/${current.caseId}`}>Case {current.caseReference}</Link>
            </PageHeader>
            <section className="card" aria-labelledby="progress-title">
              <h2 id="progress-title">Progress</h2>
              <p>
                Started {formatTime(current.startedAt)} by {current.operator}.{' '}
                <strong data-testid="ingest-state">{current.state}</strong>
                {current.finishedAt ? `, finished ${formatTime(current.finishedAt)}` : ''}.
              </p>
              <label className="progress-label">
                Files processed
                <progress max={Math.max(progress.files, 1)} value={processed} />
                <span>
                  {processed} of {progress.files}
                </span>
              </label>
              <ul className="counts" aria-label="Counts">
                <li>
                  <strong>{progress.new}</strong> new
                </li>
                <li>
                  <strong>{progress.near}</strong> near
                </li>
                <li>
                  <strong>{progress.exact}</strong> exact
                </li>
                <li>
                  <strong>{progress.error}</strong> errors
                </li>
                <li>
                  <strong>{progress.distinctMedia}</strong> distinct media
                </li>
              </ul>
            </section>
            <section aria-labelledby="results-title">
              <div className="row spread">
                <h2 id="results-title">Results</h2>
                <div role="group" aria-label="Show" className="segmented">
                  {(['all', ...ORDER] as const).map((value) => (
                    <button
                      key={value}
                      type="button"
                      aria-pressed={filter === value}
                      onClick={() => {
                        setFilter(value);
                      }}
                    >
                      {value === 'all' ? 'All' : value}
                    </button>
                  ))}
                </div>
              </div>
              <Loaded state={results} what="the results">
                {(items) => <ResultGroups items={items} filter={filter} />}
              </Loaded>
            </section>
            {finished && can(session, 'series.create') && results.data ? (
              <CreateSeriesFromTriage ingestId={id} items={results.data} />
            ) : null}
          </>
        );
      }}
    </Loaded>
  );
}

function ResultGroups({ items, filter }: { items: readonly Item[]; filter: Status | 'all' }): ReactNode {
  if (items.length === 0) {
    return <Empty>This ingest has no files yet.</Empty>;
  }
  const groups = ORDER.filter((status) => filter === 'all' || filter === status)
    .map((status) => ({ status, items: items.filter((item) => item.status === status) }))
    .filter((group) => group.items.length > 0);
  if (groups.length === 0) {
    return <Empty>No {filter} results.</Empty>;
  }
  return (
    <>
      {groups.map((group) => (
        <section key={group.status} aria-labelledby={`group-${group.status}`} className="result-group">
          <h3 id={`group-${group.status}`}>
            {LABELS[group.status]} ({group.items.length})
          </h3>
          <ul className="media-grid" aria-label={LABELS[group.status]}>
            {group.items.map((item) => (
              <MediaTile key={item.path} item={item} />
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}

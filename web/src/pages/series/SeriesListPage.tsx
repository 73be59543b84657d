import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { formatTime } from '../../components/format';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { SERIES_STATUSES, statusLabel, type SeriesStatus } from './series-status';

/** Series visible to the user, filtered by status, ownership and identification. */
export function SeriesListPage(): ReactNode {
  const [status, setStatus] = useState<SeriesStatus | ''>('');
  const [own, setOwn] = useState(false);
  const [unidentified, setUnidentified] = useState(false);
  const series = useLoad(
    () =>
      api.get('/api/v1/series', {
        query: {
          ...(status ? { status } : {}),
          ...(own ? { own: 'true' as const } : {}),
          ...(unidentified ? { unidentified: 'true' as const } : {}),
        },
      }),
    [status, own, unidentified],
  );
  return (
    <>
      <PageHeader title="Series" />
      <section className="card form-row" aria-label="Filters">
        <label>
          Status
          <select
            value={status}
            onChange={(event) => {
              setStatus(event.target.value as SeriesStatus | '');
            }}
          >
            <option value="">Any status</option>
            {SERIES_STATUSES.map((value) => (
              <option key={value} value={value}>
                {statusLabel(value)}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={own}
            onChange={(event) => {
              setOwn(event.target.checked);
            }}
          />
          Only my agency&apos;s series
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={unidentified}
            onChange={(event) => {
              setUnidentified(event.target.checked);
            }}
          />
          Only series whose victim is not identified
        </label>
      </section>
      <section className="card" aria-labelledby="series-list-title">
        <h2 id="series-list-title">Visible to you</h2>
        <p className="muted small">
          Create a series from the results of a triage (open an ingest of a case).
        </p>
        <Loaded state={series} what="series">
          {({ series: list }) =>
            list.length === 0 ? (
              <Empty>No series match these filters.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Number</th>
                    <th scope="col">Title</th>
                    <th scope="col">Status</th>
                    <th scope="col">Media</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Updated</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((item) => (
                    <tr key={item.id}>
                      <td>
                        <Link to={`/series/${item.id}`}>{item.number}</Link>
                      </td>
                      <td>{item.title}</td>
                      <td>
                        {statusLabel(item.status)}
                        {item.offenderIdentified ? ' · offender identified' : ''}
                      </td>
                      <td>{item.mediaCount}</td>
                      <td>{item.own ? 'Your agency' : 'Shared with you'}</td>
                      <td>{formatTime(item.updatedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

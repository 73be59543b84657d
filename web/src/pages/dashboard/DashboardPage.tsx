import type { ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatDuration, formatTime } from '../../components/format';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

interface Overview {
  readonly cases: readonly Schemas['Case'][];
  readonly ingests: readonly Schemas['Ingest'][];
}

/** What needs attention: recent ingests (newest first) with their new items, your cases, your exposure today. */
export function DashboardPage(): ReactNode {
  const { session } = useSession();
  const readsCases = can(session, 'case.read');
  const readsIngests = can(session, 'ingest.read');
  const overview = useLoad<Overview>(async () => {
    if (!readsCases) {
      return { cases: [], ingests: [] };
    }
    const { cases } = await api.get('/api/v1/cases');
    const recent = readsIngests
      ? await Promise.all(
          cases.slice(0, 12).map((item) => api.get('/api/v1/cases/{id}/ingests', { path: { id: item.id } })),
        )
      : [];
    const ingests = recent
      .flatMap((list) => list.ingests)
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, 8);
    return { cases, ingests };
  }, [readsCases, readsIngests]);
  const exposure = useLoad(() => api.get('/api/v1/wellbeing/exposure', { query: { days: 1 } }), []);

  return (
    <>
      <PageHeader title="Dashboard">
        {can(session, 'case.create') ? <Link to="/cases">Open or pick a case to upload into</Link> : null}
      </PageHeader>
      <div className="grid-2">
        {readsIngests ? (
          <section className="card" aria-labelledby="recent-title">
            <h2 id="recent-title">Recent ingests</h2>
            <Loaded state={overview} what="recent ingests">
              {({ ingests }) =>
                ingests.length === 0 ? (
                  <Empty>No ingests yet. Upload material into a case to see its triage here.</Empty>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Case</th>
                        <th scope="col">Started</th>
                        <th scope="col">State</th>
                        <th scope="col">New</th>
                        <th scope="col">Near</th>
                        <th scope="col">Exact</th>
                      </tr>
                    </thead>
                    <tbody>
                      {ingests.map((ingest) => (
                        <tr key={ingest.id}>
                          <td>
                            <Link to={`/ingests/${ingest.id}`}>{ingest.caseReference}</Link>
                          </td>
                          <td>{formatTime(ingest.startedAt)}</td>
                          <td>{ingest.state}</td>
                          <td className={ingest.progress.new > 0 ? 'strong' : ''}>{ingest.progress.new}</td>
                          <td>{ingest.progress.near}</td>
                          <td>{ingest.progress.exact}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )
              }
            </Loaded>
          </section>
        ) : null}
        {readsCases ? (
          <section className="card" aria-labelledby="cases-title">
            <h2 id="cases-title">Cases</h2>
            <Loaded state={overview} what="cases">
              {({ cases }) =>
                cases.length === 0 ? (
                  <Empty>No cases are visible to you yet.</Empty>
                ) : (
                  <ul className="plain">
                    {cases.slice(0, 10).map((item) => (
                      <li key={item.id}>
                        <Link to={`/cases/${item.id}`}>{item.reference}</Link>{' '}
                        <span className="muted">{item.own ? 'your agency' : 'shared with you'}</span>
                      </li>
                    ))}
                  </ul>
                )
              }
            </Loaded>
          </section>
        ) : null}
        <section className="card" aria-labelledby="exposure-title">
          <h2 id="exposure-title">Your exposure today</h2>
          <Loaded state={exposure} what="your exposure">
            {(summary) => (
              <p>
                {formatDuration(summary.todaySeconds)} with material revealed today;{' '}
                {formatDuration(summary.sinceBreakSeconds)} since your last break (reminder after{' '}
                {summary.breakReminderMinutes} min). <Link to="/you/wellbeing">Settings and log</Link>
              </p>
            )}
          </Loaded>
        </section>
      </div>
    </>
  );
}

import type { ReactNode } from 'react';
import { api } from '../../api/client';
import { formatTime } from '../../components/format';
import { Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { BarChart } from './BarChart';

/** What the network holds and has achieved: totals, per member agency and per month. */
export function StatisticsPage(): ReactNode {
  const stats = useLoad(() => api.get('/api/v1/stats'), []);
  return (
    <>
      <PageHeader title="Statistics" />
      <Loaded state={stats} what="the statistics">
        {({ generatedAt, totals, perAgency, perMonth }) => (
          <>
            <p className="muted small">As of {formatTime(generatedAt)}.</p>
            <section className="card" aria-labelledby="stats-totals">
              <h2 id="stats-totals">Totals</h2>
              <dl className="facts" aria-label="Totals">
                <dt>Media held</dt>
                <dd data-testid="stats-media">
                  {totals.media.total} ({totals.media.images} images, {totals.media.videos} videos)
                </dd>
                <dt>Series</dt>
                <dd data-testid="stats-series">
                  {totals.series.total} ({totals.series.victimIdentified} with the victim identified)
                </dd>
                <dt>Victims identified</dt>
                <dd>
                  {totals.victims.identified} of {totals.victims.total}
                </dd>
                <dt>Offenders identified</dt>
                <dd>
                  {totals.offenders.identified} of {totals.offenders.total}
                </dd>
                <dt>Member agencies</dt>
                <dd>
                  {totals.agencies} in {totals.countries} countries
                </dd>
              </dl>
            </section>
            <section className="card" aria-labelledby="stats-agencies">
              <h2 id="stats-agencies">Per agency</h2>
              <div className="grid-2">
                <BarChart
                  title="Media held per agency"
                  unit="media"
                  bars={perAgency.map((row) => ({ label: `${row.name} (${row.country})`, value: row.media }))}
                />
                <BarChart
                  title="Series per agency"
                  unit="series"
                  bars={perAgency.map((row) => ({
                    label: `${row.name} (${row.country})`,
                    value: row.series,
                  }))}
                />
              </div>
            </section>
            <section className="card" aria-labelledby="stats-months">
              <h2 id="stats-months">Over time</h2>
              <div className="grid-2">
                <BarChart
                  title="Media added per month"
                  unit="media"
                  bars={perMonth.map((row) => ({ label: row.month, value: row.media }))}
                />
                <BarChart
                  title="Victims identified per month"
                  unit="victims"
                  bars={perMonth.map((row) => ({ label: row.month, value: row.victimsIdentified }))}
                />
              </div>
            </section>
          </>
        )}
      </Loaded>
    </>
  );
}

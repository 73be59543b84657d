import { useState, type ReactNode } from 'react';
import { api, apiUrl, type Schemas } from '../../api/client';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';

/** The sprint report, and for the coordinator the per-country packages to download and send. */
export function SprintReport({
  sprint,
  version,
  agencies,
  onDisseminated,
}: {
  sprint: Schemas['SprintDetail'];
  version: number;
  agencies: readonly Schemas['Agency'][] | undefined;
  onDisseminated: () => void;
}): ReactNode {
  const report = useLoad(
    () => api.get('/api/v1/sprints/{id}/report', { path: { id: sprint.id } }),
    [sprint.id, version],
  );
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const disseminate = async (country: string): Promise<void> => {
    setError(undefined);
    setNotice('');
    try {
      const sent = await api.post('/api/v1/sprints/{id}/packages/{country}/disseminate', {
        path: { id: sprint.id, country },
      });
      setNotice(`Package for ${country} recorded as sent: ${sent.series.join(', ') || 'no series'}.`);
      onDisseminated();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="sprint-report">
      <h2 id="sprint-report">Report</h2>
      <Loaded state={report} what="the report">
        {(data) => (
          <>
            <dl className="facts" data-testid="sprint-report">
              <dt>Series assigned</dt>
              <dd data-testid="report-assigned">{data.seriesAssigned}</dd>
              <dt>Series evaluated</dt>
              <dd data-testid="report-evaluated">{data.seriesEvaluated}</dd>
              <dt>Series disseminated</dt>
              <dd data-testid="report-disseminated">{data.seriesDisseminated}</dd>
              <dt>Victims identified since</dt>
              <dd data-testid="report-identified">{data.victimsIdentified}</dd>
            </dl>
            <h3>Evaluations per agency</h3>
            {data.byAgency.length === 0 ? (
              <Empty>Nothing assigned yet.</Empty>
            ) : (
              <ul aria-label="Evaluations per agency">
                {data.byAgency.map((row) => (
                  <li key={row.agencyId}>
                    {agencyName(agencies, row.agencyId)}: {row.evaluated} of {row.assigned} evaluated
                  </li>
                ))}
              </ul>
            )}
            <h3>Countries found</h3>
            {data.countriesFound.length === 0 ? (
              <Empty>No probable country of production recorded yet.</Empty>
            ) : (
              <table aria-label="Countries found">
                <thead>
                  <tr>
                    <th scope="col">Country</th>
                    <th scope="col">Series</th>
                    {sprint.coordinating ? <th scope="col">Dissemination package</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {data.countriesFound.map(({ country, series }) => (
                    <tr key={country}>
                      <td>{country}</td>
                      <td>{series}</td>
                      {sprint.coordinating ? (
                        <td className="row">
                          <a
                            className="button"
                            href={apiUrl('/api/v1/sprints/{id}/packages/{country}/zip', {
                              id: sprint.id,
                              country,
                            })}
                            download
                          >
                            Download package for {country} (zip)
                          </a>
                          <a
                            href={apiUrl('/api/v1/sprints/{id}/packages/{country}', {
                              id: sprint.id,
                              country,
                            })}
                            download
                          >
                            JSON only
                          </a>
                          <button type="button" onClick={() => void disseminate(country)}>
                            Record package for {country} as sent
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </Loaded>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The package was not recorded as sent" /> : null}
    </section>
  );
}

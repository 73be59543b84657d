import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';
import { statusLabel } from '../series/series-status';

/** The coordinator picks an unidentified series not yet in the sprint and a participating agency. */
export function AssignSeriesForm({
  sprint,
  agencies,
  onAssigned,
}: {
  sprint: Schemas['SprintDetail'];
  agencies: readonly Schemas['Agency'][] | undefined;
  onAssigned: () => void;
}): ReactNode {
  const candidates = useLoad(
    () => api.get('/api/v1/series', { query: { unidentified: 'true' } }),
    [sprint.assignments.length],
  );
  const [seriesId, setSeriesId] = useState('');
  const [agencyId, setAgencyId] = useState('');
  const [error, setError] = useState<unknown>();
  const [notice, setNotice] = useState('');
  const assigned = new Set(sprint.assignments.map((assignment) => assignment.seriesId));
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setNotice('');
    try {
      const done = await api.post('/api/v1/sprints/{id}/series', {
        path: { id: sprint.id },
        body: { seriesId, agencyId },
      });
      setNotice(
        `Series ${done.series?.number ?? ''} assigned to ${agencyName(agencies, done.assignedAgencyId)}.`,
      );
      setSeriesId('');
      onAssigned();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="assign-title">
      <h2 id="assign-title">Assign a series</h2>
      <Loaded state={candidates} what="unidentified series">
        {({ series }) => {
          const open = series.filter((item) => !assigned.has(item.id));
          return open.length === 0 ? (
            <Empty>
              Every unidentified series shared with your agency is already in this sprint. Owners share theirs
              with your agency to add more.
            </Empty>
          ) : (
            <div className="form-row">
              <label>
                Unidentified series
                <select
                  required
                  value={seriesId}
                  onChange={(event) => {
                    setSeriesId(event.target.value);
                  }}
                >
                  <option value="">Choose a series</option>
                  {open.map((item) => (
                    <option key={item.id} value={item.id}>
                      {item.number} · {item.title} ({statusLabel(item.status)})
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Evaluated by
                <select
                  required
                  value={agencyId}
                  onChange={(event) => {
                    setAgencyId(event.target.value);
                  }}
                >
                  <option value="">Choose an agency</option>
                  {sprint.agencies.map((agency) => (
                    <option key={agency} value={agency}>
                      {agencyName(agencies, agency)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="primary">
                Assign
              </button>
            </div>
          );
        }}
      </Loaded>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The series was not assigned" /> : null}
    </form>
  );
}

import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { Link, navigate } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';

/** Sprints the user's agency coordinates or takes part in; coordinators start new ones here. */
export function SprintListPage(): ReactNode {
  const { session } = useSession();
  const sprints = useLoad(() => api.get('/api/v1/sprints'), []);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  return (
    <>
      <PageHeader title="Taskforce" />
      {can(session, 'taskforce.manage') ? <NewSprintForm agencies={agencies.data?.agencies} /> : null}
      <section className="card" aria-labelledby="sprint-list-title">
        <h2 id="sprint-list-title">Sprints</h2>
        <Loaded
          state={agencies.data || agencies.error !== undefined ? sprints : { ...sprints, data: undefined }}
          what="sprints"
        >
          {({ sprints: list }) =>
            list.length === 0 ? (
              <Empty>Your agency takes part in no taskforce sprint yet.</Empty>
            ) : (
              <table aria-label="Sprints">
                <thead>
                  <tr>
                    <th scope="col">Sprint</th>
                    <th scope="col">Dates</th>
                    <th scope="col">Coordinated by</th>
                    <th scope="col">Agencies</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((sprint) => (
                    <tr key={sprint.id}>
                      <td>
                        <Link to={`/taskforce/${sprint.id}`}>{sprint.name}</Link>
                      </td>
                      <td>
                        {sprint.startsOn} to {sprint.endsOn}
                      </td>
                      <td>
                        {sprint.coordinating
                          ? 'Your agency'
                          : agencyName(agencies.data?.agencies, sprint.agencyId)}
                      </td>
                      <td>{sprint.agencies.length}</td>
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

function NewSprintForm({
  agencies,
}: {
  agencies: readonly { id: string; name: string; country: string }[] | undefined;
}): ReactNode {
  const { session } = useSession();
  const [name, setName] = useState('');
  const [startsOn, setStartsOn] = useState('');
  const [endsOn, setEndsOn] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const others = (agencies ?? []).filter((agency) => agency.id !== session.user.agency.id);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api.post('/api/v1/sprints', {
        body: { name: name.trim(), startsOn, endsOn, agencies: [...chosen] },
      });
      navigate(`/taskforce/${created.id}`);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-sprint-title">
      <h2 id="new-sprint-title">Start a sprint</h2>
      <div className="form-row">
        <label>
          Sprint name
          <input
            required
            maxLength={200}
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
          />
        </label>
        <label>
          Starts on
          <input
            type="date"
            required
            value={startsOn}
            onChange={(event) => {
              setStartsOn(event.target.value);
            }}
          />
        </label>
        <label>
          Ends on
          <input
            type="date"
            required
            min={startsOn || undefined}
            value={endsOn}
            onChange={(event) => {
              setEndsOn(event.target.value);
            }}
          />
        </label>
      </div>
      <fieldset>
        <legend>Participating agencies (yours coordinates and takes part)</legend>
        {others.length === 0 ? (
          <p className="muted">No other agency is registered yet.</p>
        ) : (
          others.map((agency) => (
            <label key={agency.id} className="check">
              <input
                type="checkbox"
                checked={chosen.has(agency.id)}
                onChange={(event) => {
                  const next = new Set(chosen);
                  if (event.target.checked) {
                    next.add(agency.id);
                  } else {
                    next.delete(agency.id);
                  }
                  setChosen(next);
                }}
              />
              {agency.name} ({agency.country})
            </label>
          ))
        )}
      </fieldset>
      <button type="submit" className="primary" disabled={chosen.size === 0}>
        Start sprint
      </button>
      {error ? <ErrorMessage error={error} title="The sprint was not started" /> : null}
    </form>
  );
}

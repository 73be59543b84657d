import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';
import type { Offender } from './people-format';
import { SeriesLinks } from './SeriesLinks';
import { DateInput } from './VictimDetailPage';

export function OffenderDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const offender = useLoad(() => api.get('/api/v1/offenders/{id}', { path: { id } }), [id]);
  // Kept here: the form is rebuilt from the reloaded record after a save, which would lose it.
  const [saved, setSaved] = useState(false);
  const series = useLoad(() => api.get('/api/v1/series'), []);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  return (
    <Loaded state={offender} what="the offender">
      {(person) => (
        <>
          <PageHeader title={`Offender ${person.code}`} />
          <section className="card" aria-labelledby="offender-facts">
            <h2 id="offender-facts">About</h2>
            <dl className="facts">
              <dt>Identified</dt>
              <dd data-testid="offender-identified">{person.identified ? 'yes' : 'no'}</dd>
              <dt>Arrested</dt>
              <dd>{person.arrestedAt ?? 'not recorded'}</dd>
              <dt>Recorded by</dt>
              <dd>
                {person.own ? 'Your agency' : agencyName(agencies.data?.agencies, person.agencyId)} on{' '}
                {formatTime(person.createdAt)}
              </dd>
              <dt>Notes</dt>
              <dd className="pre-wrap">{person.notes || '–'}</dd>
            </dl>
          </section>
          {person.own && can(session, 'series.manage') ? (
            <EditOffenderForm
              key={JSON.stringify(person)}
              offender={person}
              saved={saved}
              onSaving={() => {
                setSaved(false);
              }}
              onSaved={() => {
                setSaved(true);
                offender.reload();
              }}
            />
          ) : null}
          <SeriesLinks
            kind="offenders"
            person={person}
            series={series.data?.series}
            onChanged={offender.reload}
          />
        </>
      )}
    </Loaded>
  );
}

function EditOffenderForm({
  offender,
  saved,
  onSaving,
  onSaved,
}: {
  offender: Offender;
  saved: boolean;
  onSaving: () => void;
  onSaved: () => void;
}): ReactNode {
  const [identified, setIdentified] = useState(offender.identified);
  const [arrestedAt, setArrestedAt] = useState(offender.arrestedAt ?? '');
  const [notes, setNotes] = useState(offender.notes);
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    onSaving();
    try {
      await api.patch('/api/v1/offenders/{id}', {
        path: { id: offender.id },
        body: { identified, arrestedAt: arrestedAt || null, notes: notes.trim() },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="edit-offender-title">
      <h2 id="edit-offender-title">Edit</h2>
      <div className="form-row">
        <label className="check">
          <input
            type="checkbox"
            checked={identified}
            onChange={(event) => {
              setIdentified(event.target.checked);
            }}
          />
          Offender identified
        </label>
        <DateInput label="Arrested on" value={arrestedAt} onChange={setArrestedAt} />
      </div>
      <label>
        Notes
        <textarea
          maxLength={10_000}
          rows={2}
          value={notes}
          onChange={(event) => {
            setNotes(event.target.value);
          }}
        />
      </label>
      <button type="submit" className="primary">
        Save offender
      </button>
      {saved ? (
        <p role="status" className="ok">
          Offender saved.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The offender was not saved" /> : null}
    </form>
  );
}

import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';
import { AgeInput } from './PeopleListPage';
import { ageRange, SEXES, type Victim } from './people-format';
import { SeriesLinks } from './SeriesLinks';

/** One victim: who identified them and when, safeguarding, the series they appear in. */
export function VictimDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const victim = useLoad(() => api.get('/api/v1/victims/{id}', { path: { id } }), [id]);
  // Kept here: the form is rebuilt from the reloaded record after a save, which would lose it.
  const [saved, setSaved] = useState(false);
  const series = useLoad(() => api.get('/api/v1/series'), []);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  const list = agencies.data?.agencies;
  return (
    <Loaded state={victim} what="the victim">
      {(person) => (
        <>
          <PageHeader title={`Victim ${person.code}`} />
          <section className="card" aria-labelledby="victim-facts">
            <h2 id="victim-facts">About</h2>
            <dl className="facts">
              <dt>Sex</dt>
              <dd>{person.sex}</dd>
              <dt>Estimated age at production</dt>
              <dd>{ageRange(person)}</dd>
              <dt>Identified</dt>
              <dd data-testid="victim-identified">
                {person.identified
                  ? `by ${agencyName(list, person.identifiedBy)} on ${person.identifiedAt ?? '?'}`
                  : 'no'}
              </dd>
              <dt>Safeguarded</dt>
              <dd data-testid="victim-safeguarded">{person.safeguardedAt ?? 'not recorded'}</dd>
              <dt>Recorded by</dt>
              <dd>
                {person.own ? 'Your agency' : agencyName(list, person.agencyId)} on{' '}
                {formatTime(person.createdAt)}
              </dd>
              <dt>Notes</dt>
              <dd className="pre-wrap">{person.notes || '–'}</dd>
            </dl>
          </section>
          {person.own && can(session, 'series.manage') ? (
            <EditVictimForm
              key={JSON.stringify(person)}
              victim={person}
              saved={saved}
              onSaving={() => {
                setSaved(false);
              }}
              onSaved={() => {
                setSaved(true);
                victim.reload();
              }}
            />
          ) : null}
          {!person.own && !person.identified && can(session, 'series.manage') ? (
            <IdentifyForm victim={person} onSaved={victim.reload} />
          ) : null}
          <SeriesLinks
            kind="victims"
            person={person}
            series={series.data?.series}
            onChanged={victim.reload}
          />
        </>
      )}
    </Loaded>
  );
}

function EditVictimForm({
  victim,
  saved,
  onSaving,
  onSaved,
}: {
  victim: Victim;
  saved: boolean;
  onSaving: () => void;
  onSaved: () => void;
}): ReactNode {
  const [sex, setSex] = useState(victim.sex);
  const [ageMin, setAgeMin] = useState(victim.ageMin === null ? '' : String(victim.ageMin));
  const [ageMax, setAgeMax] = useState(victim.ageMax === null ? '' : String(victim.ageMax));
  const [identified, setIdentified] = useState(victim.identified);
  const [identifiedAt, setIdentifiedAt] = useState(victim.identifiedAt ?? '');
  const [safeguardedAt, setSafeguardedAt] = useState(victim.safeguardedAt ?? '');
  const [notes, setNotes] = useState(victim.notes);
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    onSaving();
    try {
      await api.patch('/api/v1/victims/{id}', {
        path: { id: victim.id },
        body: {
          sex,
          ageMin: ageMin === '' ? null : Number(ageMin),
          ageMax: ageMax === '' ? null : Number(ageMax),
          identified,
          ...(identified ? { identifiedAt: identifiedAt || null } : {}),
          safeguardedAt: safeguardedAt || null,
          notes: notes.trim(),
        },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="edit-victim-title">
      <h2 id="edit-victim-title">Edit</h2>
      <div className="form-row">
        <label>
          Sex
          <select
            value={sex}
            onChange={(event) => {
              setSex(event.target.value as Victim['sex']);
            }}
          >
            {SEXES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <AgeInput label="Estimated age from" value={ageMin} onChange={setAgeMin} />
        <AgeInput label="Estimated age to" value={ageMax} onChange={setAgeMax} />
      </div>
      <div className="form-row">
        <label className="check">
          <input
            type="checkbox"
            checked={identified}
            onChange={(event) => {
              setIdentified(event.target.checked);
            }}
          />
          Identified by your agency
        </label>
        {identified ? (
          <DateInput label="Identified on" value={identifiedAt} onChange={setIdentifiedAt} />
        ) : null}
        <DateInput label="Safeguarded on" value={safeguardedAt} onChange={setSafeguardedAt} />
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
        Save victim
      </button>
      {saved ? (
        <p role="status" className="ok">
          Victim saved.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The victim was not saved" /> : null}
    </form>
  );
}

/** Another agency that identified the child (after a dissemination, say) records it. */
function IdentifyForm({ victim, onSaved }: { victim: Victim; onSaved: () => void }): ReactNode {
  const [identifiedAt, setIdentifiedAt] = useState('');
  const [safeguardedAt, setSafeguardedAt] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/victims/{id}/identification', {
        path: { id: victim.id },
        body: {
          ...(identifiedAt ? { identifiedAt } : {}),
          ...(safeguardedAt ? { safeguardedAt } : {}),
        },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="identify-title">
      <h2 id="identify-title">Your agency identified this child</h2>
      <div className="form-row">
        <DateInput label="Identified on (today when empty)" value={identifiedAt} onChange={setIdentifiedAt} />
        <DateInput label="Safeguarded on" value={safeguardedAt} onChange={setSafeguardedAt} />
        <button type="submit" className="primary">
          Record identification
        </button>
      </div>
      {error ? <ErrorMessage error={error} title="The identification was not recorded" /> : null}
    </form>
  );
}

export function DateInput({
  label,
  value,
  onChange,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
}): ReactNode {
  return (
    <label>
      {label}
      <input
        type="date"
        value={value}
        onChange={(event) => {
          onChange(event.target.value);
        }}
      />
    </label>
  );
}

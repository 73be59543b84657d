import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { can, useSession } from '../../app/session';
import { ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { useSubmit } from '../../components/use-submit';
import { ageRange, type Victim } from './people-format';
import {
  AgeRangeInputs,
  ageOrNull,
  DateInput,
  identifiedText,
  NotesInput,
  RecordedFacts,
  SavePersonFooter,
  SexSelect,
  useSavedAfterReload,
} from './PersonFields';
import { SeriesLinks } from './SeriesLinks';

/** One victim: who identified them and when, safeguarding, the series they appear in. */
export function VictimDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const victim = useLoad(() => api.get('/api/v1/victims/{id}', { path: { id } }), [id]);
  const saving = useSavedAfterReload(victim.reload);
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
              <dd data-testid="victim-identified">{identifiedText(person, person.identified, list)}</dd>
              <dt>Safeguarded</dt>
              <dd data-testid="victim-safeguarded">{person.safeguardedAt ?? 'not recorded'}</dd>
              <RecordedFacts person={person} agencies={list} />
            </dl>
          </section>
          {person.own && can(session, 'series.manage') ? (
            <EditVictimForm key={JSON.stringify(person)} victim={person} {...saving} />
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
  const { error, onSubmit } = useSubmit(async () => {
    onSaving();
    await api.patch('/api/v1/victims/{id}', {
      path: { id: victim.id },
      body: {
        sex,
        ageMin: ageOrNull(ageMin),
        ageMax: ageOrNull(ageMax),
        identified,
        ...(identified ? { identifiedAt: identifiedAt || null } : {}),
        safeguardedAt: safeguardedAt || null,
        notes: notes.trim(),
      },
    });
    onSaved();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="edit-victim-title">
      <h2 id="edit-victim-title">Edit</h2>
      <div className="form-row">
        <SexSelect value={sex} onChange={setSex} />
        <AgeRangeInputs ageMin={ageMin} ageMax={ageMax} onAgeMin={setAgeMin} onAgeMax={setAgeMax} />
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
      <NotesInput value={notes} onChange={setNotes} />
      <SavePersonFooter singular="victim" saved={saved} error={error} />
    </form>
  );
}

/** Another agency that identified the child (after a dissemination, say) records it. */
function IdentifyForm({ victim, onSaved }: { victim: Victim; onSaved: () => void }): ReactNode {
  const [identifiedAt, setIdentifiedAt] = useState('');
  const [safeguardedAt, setSafeguardedAt] = useState('');
  const { error, onSubmit } = useSubmit(async () => {
    await api.post('/api/v1/victims/{id}/identification', {
      path: { id: victim.id },
      body: {
        ...(identifiedAt ? { identifiedAt } : {}),
        ...(safeguardedAt ? { safeguardedAt } : {}),
      },
    });
    onSaved();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="identify-title">
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

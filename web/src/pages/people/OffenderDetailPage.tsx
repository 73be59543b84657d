import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { can, useSession } from '../../app/session';
import { Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { useSubmit } from '../../components/use-submit';
import type { Offender } from './people-format';
import { DateInput, NotesInput, RecordedFacts, SavePersonFooter, useSavedAfterReload } from './PersonFields';
import { SeriesLinks } from './SeriesLinks';

export function OffenderDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const offender = useLoad(() => api.get('/api/v1/offenders/{id}', { path: { id } }), [id]);
  const saving = useSavedAfterReload(offender.reload);
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
              <RecordedFacts person={person} agencies={agencies.data?.agencies} />
            </dl>
          </section>
          {person.own && can(session, 'series.manage') ? (
            <EditOffenderForm key={JSON.stringify(person)} offender={person} {...saving} />
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
  const { error, onSubmit } = useSubmit(async () => {
    onSaving();
    await api.patch('/api/v1/offenders/{id}', {
      path: { id: offender.id },
      body: { identified, arrestedAt: arrestedAt || null, notes: notes.trim() },
    });
    onSaved();
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="edit-offender-title">
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
      <NotesInput value={notes} onChange={setNotes} />
      <SavePersonFooter singular="offender" saved={saved} error={error} />
    </form>
  );
}

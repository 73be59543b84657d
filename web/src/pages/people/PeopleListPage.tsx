import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link, navigate } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { useSubmit } from '../../components/use-submit';
import { ageRange, seriesNumbers, type PeopleKind, type Victim } from './people-format';
import { AgeRangeInputs, ageOrNull, identifiedText, NotesInput, recordedBy, SexSelect } from './PersonFields';

/** A victim or an offender as one line of the list. */
interface PersonRow {
  readonly id: string;
  readonly code: string;
  readonly agencyId: string;
  readonly own: boolean;
  readonly identified: boolean;
  readonly seriesIds: readonly string[];
  readonly createdAt: string;
  readonly arrestedAt: string | null;
  readonly victim: Victim | null;
}

/** Victims or offenders the user's agency recorded or sees through series, and a form to record one. */
export function PeopleListPage({ kind }: { kind: PeopleKind }): ReactNode {
  const { session } = useSession();
  const people = useLoad(async (): Promise<PersonRow[]> => {
    if (kind === 'victims') {
      const { victims } = await api.get('/api/v1/victims');
      return victims.map((victim) => ({ ...victim, victim, arrestedAt: null }));
    }
    const { offenders } = await api.get('/api/v1/offenders');
    return offenders.map((offender) => ({ ...offender, victim: null }));
  }, [kind]);
  const series = useLoad(() => api.get('/api/v1/series'), []);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  const title = kind === 'victims' ? 'Victims' : 'Offenders';
  return (
    <>
      <PageHeader title={title} />
      {can(session, 'series.manage') ? (
        <NewPersonForm kind={kind} ownSeries={(series.data?.series ?? []).filter((item) => item.own)} />
      ) : null}
      <section className="card" aria-labelledby="people-list-title">
        <h2 id="people-list-title">Recorded or linked to series you may see</h2>
        {/* Series numbers, not placeholders: the list waits for the series as well. */}
        <Loaded
          state={series.data || series.error !== undefined ? people : { ...people, data: undefined }}
          what={kind}
        >
          {(list) =>
            list.length === 0 ? (
              <Empty>No {kind} yet.</Empty>
            ) : (
              <table aria-label={title}>
                <thead>
                  <tr>
                    <th scope="col">Code</th>
                    {kind === 'victims' ? (
                      <>
                        <th scope="col">Sex</th>
                        <th scope="col">Age at production</th>
                      </>
                    ) : null}
                    <th scope="col">Identified</th>
                    <th scope="col">{kind === 'victims' ? 'Safeguarded' : 'Arrested'}</th>
                    <th scope="col">Series</th>
                    <th scope="col">Recorded by</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((person) => (
                    <tr key={person.id}>
                      <td>
                        <Link to={`/${kind}/${person.id}`}>{person.code}</Link>
                      </td>
                      {person.victim ? (
                        <>
                          <td>{person.victim.sex}</td>
                          <td>{ageRange(person.victim)}</td>
                        </>
                      ) : null}
                      <td>{identifiedText(person.victim, person.identified, agencies.data?.agencies)}</td>
                      <td>{(person.victim ? person.victim.safeguardedAt : person.arrestedAt) ?? '–'}</td>
                      <td>
                        {seriesNumbers(person.seriesIds, series.data?.series).map(({ id, number }, index) => (
                          <span key={id}>
                            {index > 0 ? ', ' : ''}
                            <Link to={`/series/${id}`}>{number}</Link>
                          </span>
                        ))}
                      </td>
                      <td>
                        {recordedBy(person, agencies.data?.agencies)}, {formatTime(person.createdAt)}
                      </td>
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

function NewPersonForm({
  kind,
  ownSeries,
}: {
  kind: PeopleKind;
  ownSeries: readonly { id: string; number: string; title: string }[];
}): ReactNode {
  const [code, setCode] = useState('');
  const [sex, setSex] = useState<Victim['sex']>('unknown');
  const [ageMin, setAgeMin] = useState('');
  const [ageMax, setAgeMax] = useState('');
  const [notes, setNotes] = useState('');
  const [linked, setLinked] = useState<ReadonlySet<string>>(new Set());
  const singular = kind === 'victims' ? 'victim' : 'offender';
  const { error, onSubmit } = useSubmit(async () => {
    const common = {
      ...(code.trim() ? { code: code.trim() } : {}),
      notes: notes.trim(),
      seriesIds: [...linked],
    };
    const created =
      kind === 'victims'
        ? await api.post('/api/v1/victims', {
            body: { ...common, sex, ageMin: ageOrNull(ageMin), ageMax: ageOrNull(ageMax) },
          })
        : await api.post('/api/v1/offenders', { body: common });
    navigate(`/${kind}/${created.id}`);
  });
  return (
    <form className="card" onSubmit={onSubmit} aria-labelledby="new-person-title">
      <h2 id="new-person-title">Record a {singular}</h2>
      <div className="form-row">
        <label>
          Pseudonymous code (optional, generated when empty)
          <input
            maxLength={64}
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
            }}
          />
        </label>
        {kind === 'victims' ? (
          <>
            <SexSelect value={sex} onChange={setSex} />
            <AgeRangeInputs ageMin={ageMin} ageMax={ageMax} onAgeMin={setAgeMin} onAgeMax={setAgeMax} />
          </>
        ) : null}
      </div>
      <NotesInput value={notes} onChange={setNotes} />
      <fieldset>
        <legend>Appears in your agency&apos;s series</legend>
        {ownSeries.length === 0 ? (
          <p className="muted">Your agency owns no series yet; link it later.</p>
        ) : (
          ownSeries.map((item) => (
            <label key={item.id} className="check">
              <input
                type="checkbox"
                checked={linked.has(item.id)}
                onChange={(event) => {
                  const next = new Set(linked);
                  if (event.target.checked) {
                    next.add(item.id);
                  } else {
                    next.delete(item.id);
                  }
                  setLinked(next);
                }}
              />
              {item.number} · {item.title}
            </label>
          ))
        )}
      </fieldset>
      <button type="submit" className="primary">
        Record {singular}
      </button>
      {error ? <ErrorMessage error={error} title={`The ${singular} was not recorded`} /> : null}
    </form>
  );
}

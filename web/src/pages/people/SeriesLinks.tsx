import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, ErrorMessage, Loading } from '../../components/states';
import { seriesNumbers, type PeopleKind } from './people-format';

/** The series a person appears in; the owner of a series links or unlinks them there. */
export function SeriesLinks({
  kind,
  person,
  series,
  onChanged,
}: {
  kind: PeopleKind;
  person: { id: string; code: string; seriesIds: readonly string[] };
  series: readonly Schemas['Series'][] | undefined;
  onChanged: () => void;
}): ReactNode {
  const { session } = useSession();
  const [choice, setChoice] = useState('');
  const [error, setError] = useState<unknown>();
  const manage = can(session, 'series.manage');
  const linkable = (series ?? []).filter((item) => item.own && !person.seriesIds.includes(item.id));
  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await action();
      onChanged();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const path = (seriesId: string) => ({ id: seriesId, personId: person.id });
  const link = (seriesId: string): Promise<unknown> =>
    kind === 'victims'
      ? api.put('/api/v1/series/{id}/victims/{personId}', { path: path(seriesId) })
      : api.put('/api/v1/series/{id}/offenders/{personId}', { path: path(seriesId) });
  const unlink = (seriesId: string): Promise<unknown> =>
    kind === 'victims'
      ? api.delete('/api/v1/series/{id}/victims/{personId}', { path: path(seriesId) })
      : api.delete('/api/v1/series/{id}/offenders/{personId}', { path: path(seriesId) });
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    if (choice) {
      void act(() => link(choice)).then(() => {
        setChoice('');
      });
    }
  };
  const own = new Set((series ?? []).filter((item) => item.own).map((item) => item.id));
  return (
    <section className="card" aria-labelledby="person-series">
      <h2 id="person-series">Series</h2>
      {series === undefined && person.seriesIds.length > 0 ? (
        <Loading what="the series" />
      ) : person.seriesIds.length === 0 ? (
        <Empty>Not linked to any series you may see.</Empty>
      ) : (
        <ul aria-label={`Series of ${person.code}`}>
          {seriesNumbers(person.seriesIds, series).map(({ id, number }) => (
            <li key={id}>
              <Link to={`/series/${id}`}>{number}</Link>{' '}
              {manage && own.has(id) ? (
                <button type="button" className="link" onClick={() => void act(() => unlink(id))}>
                  Unlink from {number}
                </button>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {manage && linkable.length > 0 ? (
        <form className="form-row" onSubmit={submit} aria-label="Link to a series">
          <label>
            Your agency&apos;s series
            <select
              required
              value={choice}
              onChange={(event) => {
                setChoice(event.target.value);
              }}
            >
              <option value="">Choose a series</option>
              {linkable.map((item) => (
                <option key={item.id} value={item.id}>
                  {item.number} · {item.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit">Link to series</button>
        </form>
      ) : null}
      {error ? <ErrorMessage error={error} title="The link was not changed" /> : null}
    </section>
  );
}

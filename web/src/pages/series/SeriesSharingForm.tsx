import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { ErrorMessage } from '../../components/states';

const LEVELS = [
  { value: 'agency', label: 'My agency only' },
  { value: 'selected', label: 'Selected agencies' },
  { value: 'network', label: 'Every member agency' },
] as const;

/** The owner chooses who sees the series, its comments and (within their own sharing) its media. */
export function SeriesSharingForm({
  series,
  agencies,
  onSaved,
}: {
  series: Schemas['SeriesDetail'];
  agencies: readonly Schemas['Agency'][] | undefined;
  onSaved: () => void;
}): ReactNode {
  const [sharing, setSharing] = useState(series.sharing);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(series.sharedWith));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await api.put('/api/v1/series/{id}/sharing', {
        path: { id: series.id },
        body: { sharing, agencies: sharing === 'selected' ? [...chosen] : [] },
      });
      setSaved(true);
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="series-sharing-title">
      <h2 id="series-sharing-title">Sharing</h2>
      <fieldset>
        <legend>Who may see this series</legend>
        {LEVELS.map((level) => (
          <label key={level.value} className="check">
            <input
              type="radio"
              name="series-sharing"
              value={level.value}
              checked={sharing === level.value}
              onChange={() => {
                setSharing(level.value);
              }}
            />
            {level.label}
          </label>
        ))}
      </fieldset>
      {sharing === 'selected' ? (
        <fieldset>
          <legend>Agencies</legend>
          {(agencies ?? [])
            .filter((agency) => agency.id !== series.agencyId)
            .map((agency) => (
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
            ))}
        </fieldset>
      ) : null}
      <button type="submit" className="primary">
        Save sharing
      </button>
      {saved ? (
        <p role="status" className="ok">
          Sharing saved.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="Sharing not changed" /> : null}
    </form>
  );
}

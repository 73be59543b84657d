import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../api/client';
import { ErrorMessage } from './states';

export type SharingLevel = Schemas['Case']['sharing'];

const LEVELS: readonly { value: SharingLevel; label: string }[] = [
  { value: 'agency', label: 'Your agency only' },
  { value: 'selected', label: 'Selected agencies' },
  { value: 'network', label: 'Every member agency' },
];

/**
 * Who may see a case or a series: the owner's agency only, selected agencies, or every member
 * agency. One form for both; `save` sends the choice to the right route.
 */
export function SharingForm({
  legend,
  ownerAgencyId,
  sharing: initialSharing,
  sharedWith,
  agencies,
  save,
  onSaved,
}: {
  /** e.g. "Who may see this series" */
  legend: string;
  ownerAgencyId: string | null;
  sharing: SharingLevel;
  sharedWith: readonly string[];
  agencies: readonly Schemas['Agency'][] | undefined;
  save: (choice: { sharing: SharingLevel; agencies: string[] }) => Promise<unknown>;
  onSaved: () => void;
}): ReactNode {
  const [sharing, setSharing] = useState(initialSharing);
  const [chosen, setChosen] = useState<ReadonlySet<string>>(new Set(sharedWith));
  const [error, setError] = useState<unknown>();
  const [saved, setSaved] = useState(false);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setSaved(false);
    try {
      await save({ sharing, agencies: sharing === 'selected' ? [...chosen] : [] });
      setSaved(true);
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-label="Sharing">
      <h2>Sharing</h2>
      <fieldset>
        <legend>{legend}</legend>
        {LEVELS.map((level) => (
          <label key={level.value} className="check">
            <input
              type="radio"
              name="sharing-level"
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
            .filter((agency) => agency.id !== ownerAgencyId)
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

import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import { outcomeLabel, RECORDABLE_OUTCOMES } from './sprint-outcomes';

type Recordable = (typeof RECORDABLE_OUTCOMES)[number];

/** A participant records the probable country of production (or why there is none) for one series. */
export function OutcomeForm({
  sprintId,
  assignment,
  onSaved,
}: {
  sprintId: string;
  assignment: Schemas['SprintAssignment'];
  onSaved: () => void;
}): ReactNode {
  const number = assignment.series?.number ?? 'not shared';
  const [outcome, setOutcome] = useState<Recordable>(
    assignment.outcome === 'pending' ? 'country_found' : assignment.outcome,
  );
  const [country, setCountry] = useState(assignment.probableCountry ?? '');
  const [note, setNote] = useState(assignment.note);
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.put('/api/v1/sprints/{id}/series/{seriesId}', {
        path: { id: sprintId, seriesId: assignment.seriesId },
        body: {
          outcome,
          probableCountry: outcome === 'country_found' ? country.trim().toUpperCase() : null,
          note: note.trim(),
        },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form
      className="outcome-form"
      onSubmit={(event) => void submit(event)}
      aria-label={`Outcome for series ${number}`}
    >
      <h3>
        Series {number} <span className="muted small">({outcomeLabel(assignment.outcome)})</span>
      </h3>
      <div className="form-row">
        <label>
          Outcome
          <select
            value={outcome}
            onChange={(event) => {
              setOutcome(event.target.value as Recordable);
            }}
          >
            {RECORDABLE_OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {outcomeLabel(value)}
              </option>
            ))}
          </select>
        </label>
        {outcome === 'country_found' ? (
          <label>
            Probable country of production (ISO code, e.g. PT)
            <input
              required
              pattern="\s*[A-Za-z]{2}\s*"
              maxLength={4}
              size={4}
              value={country}
              onChange={(event) => {
                setCountry(event.target.value);
              }}
            />
          </label>
        ) : null}
        <label>
          Evidence and notes
          <input
            maxLength={10_000}
            value={note}
            onChange={(event) => {
              setNote(event.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary">
          Record outcome
        </button>
      </div>
      {error ? <ErrorMessage error={error} title="The outcome was not recorded" /> : null}
    </form>
  );
}

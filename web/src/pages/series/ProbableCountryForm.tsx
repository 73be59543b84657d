import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/states';

const CONFIDENCES = ['low', 'medium', 'high'] as const;
type Confidence = (typeof CONFIDENCES)[number];

/** The owning agency records the probable country of production, how sure it is and why. */
export function ProbableCountryForm({
  seriesId,
  current,
  onSaved,
}: {
  seriesId: string;
  current: { country: string; confidence: string | null; evidence: string | null } | null;
  onSaved: () => void;
}): ReactNode {
  const [country, setCountry] = useState(current?.country ?? '');
  const [confidence, setConfidence] = useState<Confidence | ''>(
    CONFIDENCES.find((value) => value === current?.confidence) ?? '',
  );
  const [evidence, setEvidence] = useState(current?.evidence ?? '');
  const [error, setError] = useState<unknown>();
  const save = async (clear: boolean): Promise<void> => {
    setError(undefined);
    try {
      await api.put('/api/v1/series/{id}/country', {
        path: { id: seriesId },
        body: clear
          ? { country: null, confidence: null, evidence: null }
          : {
              country: country.trim().toUpperCase(),
              confidence: confidence || null,
              evidence: evidence.trim() || null,
            },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    void save(false);
  };
  return (
    <form onSubmit={submit} aria-label="Probable country of production">
      <div className="form-row">
        <label>
          Country (ISO code, e.g. PT)
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
        <label>
          Confidence
          <select
            value={confidence}
            onChange={(event) => {
              setConfidence(event.target.value as Confidence | '');
            }}
          >
            <option value="">not stated</option>
            {CONFIDENCES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Evidence behind it
        <textarea
          rows={2}
          maxLength={10_000}
          value={evidence}
          onChange={(event) => {
            setEvidence(event.target.value);
          }}
        />
      </label>
      <div className="row">
        <button type="submit" className="primary">
          Save probable country
        </button>
        {current ? (
          <button type="button" onClick={() => void save(true)}>
            Clear probable country
          </button>
        ) : null}
      </div>
      {error ? <ErrorMessage error={error} title="The probable country was not saved" /> : null}
    </form>
  );
}

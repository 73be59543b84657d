import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import { parseCoordinates } from './coordinates';

/** A known place: free text, optionally coordinates and the one image it was recognised in. */
export function PlaceForm({
  series,
  onSaved,
}: {
  series: Schemas['SeriesDetail'];
  onSaved: () => void;
}): ReactNode {
  const [description, setDescription] = useState('');
  const [latitude, setLatitude] = useState('');
  const [longitude, setLongitude] = useState('');
  const [mediaId, setMediaId] = useState('');
  const [error, setError] = useState<unknown>();
  const coordinates = parseCoordinates(latitude, longitude);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (coordinates === 'invalid') {
      return;
    }
    setError(undefined);
    try {
      await api.post('/api/v1/series/{id}/places', {
        path: { id: series.id },
        body: {
          description: description.trim(),
          ...(coordinates ?? {}),
          ...(mediaId ? { mediaId } : {}),
        },
      });
      setDescription('');
      setLatitude('');
      setLongitude('');
      setMediaId('');
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Add a known place">
      <label>
        Place (what is known, in words)
        <input
          required
          maxLength={2000}
          value={description}
          onChange={(event) => {
            setDescription(event.target.value);
          }}
        />
      </label>
      <div className="form-row">
        <label>
          Latitude (optional)
          <input
            inputMode="decimal"
            value={latitude}
            onChange={(event) => {
              setLatitude(event.target.value);
            }}
          />
        </label>
        <label>
          Longitude (optional)
          <input
            inputMode="decimal"
            value={longitude}
            onChange={(event) => {
              setLongitude(event.target.value);
            }}
          />
        </label>
        <label>
          Seen in image (optional)
          <select
            value={mediaId}
            onChange={(event) => {
              setMediaId(event.target.value);
            }}
          >
            <option value="">the series as a whole</option>
            {series.media.map((medium) => (
              <option key={medium.mediaId} value={medium.mediaId}>
                {medium.sha256.slice(0, 12)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" disabled={coordinates === 'invalid'}>
          Add place
        </button>
      </div>
      {coordinates === 'invalid' ? (
        <p className="notice notice-error" role="alert">
          Give both latitude (-90 to 90) and longitude (-180 to 180) as numbers, or neither.
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The place was not added" /> : null}
    </form>
  );
}

import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorMessage } from '../../components/states';
import type { ResultItem } from '../media/MediaTile';

const TAKEN = ['new', 'near', 'exact'] as const;
const taken = (status: ResultItem['status']): boolean => (TAKEN as readonly string[]).includes(status);

/** Groups chosen files of a triage into a new series owned by the user's agency. */
export function CreateSeriesFromTriage({
  ingestId,
  items,
}: {
  ingestId: string;
  items: readonly ResultItem[];
}): ReactNode {
  const candidates = items.filter((item) => item.mediaId && taken(item.status));
  const [title, setTitle] = useState('');
  // Left out rather than chosen: files that arrive while the triage finishes are included.
  const [excluded, setExcluded] = useState<ReadonlySet<string>>(new Set());
  const chosen = candidates.filter((item) => !excluded.has(item.path));
  const [error, setError] = useState<unknown>();
  if (candidates.length === 0) {
    return null;
  }
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api.post('/api/v1/series/from-ingest', {
        body: {
          ingestId,
          title: title.trim(),
          statuses: [...TAKEN],
          paths: chosen.map((item) => item.path),
          includeMatches: false,
        },
      });
      navigate(`/series/${created.id}`);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-series-title">
      <h2 id="new-series-title">Create a series from this triage</h2>
      <label>
        Series title (neutral)
        <input
          required
          maxLength={200}
          value={title}
          onChange={(event) => {
            setTitle(event.target.value);
          }}
        />
      </label>
      <fieldset>
        <legend>Files to include</legend>
        {candidates.map((item) => (
          <label key={item.path} className="check">
            <input
              type="checkbox"
              checked={!excluded.has(item.path)}
              onChange={(event) => {
                const next = new Set(excluded);
                if (event.target.checked) {
                  next.delete(item.path);
                } else {
                  next.add(item.path);
                }
                setExcluded(next);
              }}
            />
            Include {item.path} ({item.status})
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary" disabled={chosen.length === 0}>
        Create series
      </button>
      {error ? <ErrorMessage error={error} title="The series was not created" /> : null}
    </form>
  );
}

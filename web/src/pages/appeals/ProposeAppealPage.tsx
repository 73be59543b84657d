import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorMessage, PageHeader } from '../../components/states';
import { emptyDrafts, TextsFields, toTexts } from './appeal-texts';

/**
 * Proposes an object appeal from a visual clue: neutral words in one or more languages, targeted
 * questions (one per line). The server cuts and censors the picture; a colleague then reviews it.
 */
export function ProposeAppealPage({ seriesId, clueId }: { seriesId: string; clueId: string }): ReactNode {
  const [drafts, setDrafts] = useState(emptyDrafts);
  const [region, setRegion] = useState('');
  const [country, setCountry] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      await api.post('/api/v1/appeals', {
        body: {
          type: 'object',
          texts: toTexts(drafts),
          region: region.trim(),
          country: country.trim() === '' ? null : country.trim().toUpperCase(),
          image: { kind: 'clue', seriesId, clueId },
          person: null,
          masks: [],
          seriesId,
        },
      });
      navigate('/appeals');
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader title="Propose a public appeal" />
      <p className="muted">
        The clue&apos;s area is cut from the image, stripped of all metadata and re-encoded. Write neutral
        words: no names, places or details of the investigation. Fill in the languages you publish in (at
        least one).
      </p>
      <form onSubmit={(event) => void submit(event)} aria-label="Propose a public appeal">
        <TextsFields drafts={drafts} onChange={setDrafts} />
        <label>
          Region shown to the public (optional)
          <input
            value={region}
            maxLength={100}
            onChange={(event) => {
              setRegion(event.target.value);
            }}
          />
        </label>
        <label>
          Country code shown to the public (optional, e.g. FR)
          <input
            value={country}
            maxLength={2}
            onChange={(event) => {
              setCountry(event.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={busy}>
          Propose for review
        </button>
      </form>
      {error ? <ErrorMessage error={error} title="The appeal was not proposed" /> : null}
    </>
  );
}

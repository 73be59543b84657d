import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { navigate } from '../../app/router';
import { ErrorMessage, PageHeader } from '../../components/states';

type Language = 'en' | 'fr' | 'de' | 'es';
const LANGUAGES: readonly Language[] = ['en', 'fr', 'de', 'es'];
const NAMES: Readonly<Record<Language, string>> = {
  en: 'English',
  fr: 'French',
  de: 'German',
  es: 'Spanish',
};

interface Draft {
  title: string;
  description: string;
  questions: string;
}
const EMPTY: Draft = { title: '', description: '', questions: '' };

/**
 * Proposes an object appeal from a visual clue: neutral words in one or more languages, targeted
 * questions (one per line). The server cuts and censors the picture; a colleague then reviews it.
 */
export function ProposeAppealPage({ seriesId, clueId }: { seriesId: string; clueId: string }): ReactNode {
  const [drafts, setDrafts] = useState<Record<Language, Draft>>({
    en: EMPTY,
    fr: EMPTY,
    de: EMPTY,
    es: EMPTY,
  });
  const [region, setRegion] = useState('');
  const [country, setCountry] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const change = (lang: Language, field: keyof Draft, value: string): void => {
    setDrafts({ ...drafts, [lang]: { ...drafts[lang], [field]: value } });
  };
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setBusy(true);
    const texts: Partial<Record<Language, Schemas['ProposeAppealRequest']['texts'][Language]>> = {};
    for (const lang of LANGUAGES) {
      const draft = drafts[lang];
      if (draft.title.trim() !== '') {
        texts[lang] = {
          title: draft.title.trim(),
          description: draft.description.trim(),
          questions: draft.questions
            .split('\n')
            .map((line) => line.trim())
            .filter(Boolean),
        };
      }
    }
    try {
      await api.post('/api/v1/appeals', {
        body: {
          type: 'object',
          texts,
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
        {LANGUAGES.map((lang) => (
          <fieldset key={lang} lang={lang}>
            <legend>{NAMES[lang]}</legend>
            <label>
              Title ({NAMES[lang]})
              <input
                value={drafts[lang].title}
                maxLength={120}
                onChange={(event) => {
                  change(lang, 'title', event.target.value);
                }}
              />
            </label>
            <label>
              Description ({NAMES[lang]})
              <textarea
                value={drafts[lang].description}
                maxLength={2000}
                onChange={(event) => {
                  change(lang, 'description', event.target.value);
                }}
              />
            </label>
            <label>
              Questions, one per line ({NAMES[lang]})
              <textarea
                value={drafts[lang].questions}
                onChange={(event) => {
                  change(lang, 'questions', event.target.value);
                }}
              />
            </label>
          </fieldset>
        ))}
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

import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { navigate, useLocation } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { Preview } from '../../wellbeing/Preview';
import { Snippet, queryWords } from './highlight';
import { countryClue } from './language-names';
import { TextExplanation } from './TextExplanation';

type Hit = Schemas['TextSearchResponse']['hits'][number];

/**
 * Finds images by the text visible in them (signs, labels, screens), read after ingest. Each
 * result shows the matching passage highlighted, the writing system and language as a clue to the
 * country, and the image blurred until revealed; results outside sharing say whom to ask.
 */
export function TextSearchPage(): ReactNode {
  const { session } = useSession();
  const { search } = useLocation();
  const query = search.get('q') ?? '';
  const [draft, setDraft] = useState(query);
  const [explained, setExplained] = useState<string | null>(null);
  const answer = useLoad(
    async () =>
      query.trim() === '' ? null : await api.get('/api/v1/texts/search', { query: { q: query, limit: 50 } }),
    [query],
  );
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setExplained(null);
    navigate(`/texts/search?q=${encodeURIComponent(draft.trim())}`);
  };
  return (
    <>
      <PageHeader title="Text search" />
      <form className="card" role="search" onSubmit={submit}>
        <label>
          Text visible in the image
          <input
            type="search"
            value={draft}
            maxLength={500}
            onChange={(event) => {
              setDraft(event.target.value);
            }}
          />
        </label>
        <button type="submit" disabled={draft.trim() === ''}>
          Search
        </button>
        <p className="muted small">
          Words are found in any language: &quot;quotes&quot; find a phrase, a minus sign before a word leaves
          out images showing it, and &quot;or&quot; between two words finds either.
        </p>
      </form>
      <Loaded state={answer} what="the results">
        {(found) =>
          found === null ? null : found.hits.length === 0 ? (
            <Empty>
              No image shows this text. Images still being read after ingest are not searched yet.
            </Empty>
          ) : (
            <>
              <ol className="similar-results" aria-label="Images with the text, best first">
                {found.hits.map((hit, index) => (
                  <HitItem
                    key={hit.restricted ? `restricted-${index}` : hit.mediaId}
                    hit={hit}
                    rank={index + 1}
                    canPreview={can(session, 'media.preview')}
                    canReveal={can(session, 'media.preview.clear')}
                    explained={!hit.restricted && explained === hit.mediaId}
                    onExplain={(id) => {
                      setExplained(explained === id ? null : id);
                    }}
                  />
                ))}
              </ol>
              {explained ? <TextExplanation mediaId={explained} words={queryWords(query)} /> : null}
            </>
          )
        }
      </Loaded>
    </>
  );
}

function HitItem({
  hit,
  rank,
  canPreview,
  canReveal,
  explained,
  onExplain,
}: {
  hit: Hit;
  rank: number;
  canPreview: boolean;
  canReveal: boolean;
  explained: boolean;
  onExplain: (mediaId: string) => void;
}): ReactNode {
  if (hit.restricted) {
    return (
      <li className="card similar-result is-restricted" data-testid="text-restricted">
        <h2 className="small">{rank}. An image outside your sharing shows this text</h2>
        <p>
          {hit.ask.length === 0
            ? 'Ask the system administrator who holds it.'
            : `Ask ${hit.ask.map((a) => `${a.name} (${a.country})${a.contact ? `, ${a.contact}` : ''}`).join('; ')}.`}
        </p>
      </li>
    );
  }
  return (
    <li className="card similar-result" data-testid="text-hit">
      <h2 className="small">
        {rank}. Image {hit.sha256.slice(0, 12)}
      </h2>
      {canPreview ? (
        <Preview
          mediaId={hit.mediaId}
          label={`result ${rank}, image ${hit.sha256.slice(0, 12)}`}
          canReveal={canReveal}
        />
      ) : null}
      <p data-testid="text-snippet">
        <Snippet text={hit.snippet} />
      </p>
      <p className="small" data-testid="text-hit-clue">
        {countryClue(hit.script, hit.language, hit.countries)}
      </p>
      <button
        type="button"
        aria-expanded={explained}
        onClick={() => {
          onExplain(hit.mediaId);
        }}
      >
        {explained ? 'Close explanation' : `Why result ${rank} matches`}
      </button>
    </li>
  );
}

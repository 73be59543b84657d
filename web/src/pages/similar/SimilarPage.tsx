import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { Link, useLocation } from '../../app/router';
import { ErrorMessage, PageHeader } from '../../components/states';
import { SimilarResultList } from './SimilarResultList';
import {
  RETRY_ATTEMPTS,
  RETRY_SECONDS,
  searchSimilar,
  type SimilarSource,
  type SimilarityResults,
} from './similar-search';

type SearchState =
  | { readonly phase: 'searching'; readonly attempt: number }
  | { readonly phase: 'waiting'; readonly attempt: number; readonly answer: SimilarityResults }
  | { readonly phase: 'done'; readonly answer: SimilarityResults }
  | { readonly phase: 'failed'; readonly error: unknown };

/**
 * Runs one place or object search and shows its ranked, verified matches. While nothing is found
 * the search is repeated for a while, because the server analyses newly held images in the
 * background and answers with what it has indexed so far.
 */
export function SimilarPage({ source }: { source: SimilarSource }): ReactNode {
  const { search } = useLocation();
  // A clue's image comes along in the address (the clue link knows it); a medium is its own query.
  const { kind, id } = source;
  const queryMediaId = kind === 'media' ? id : search.get('media');
  const [state, setState] = useState<SearchState>({ phase: 'searching', attempt: 1 });
  const [round, setRound] = useState(0);
  const alive = useRef(true);
  // Read through a function: the flag changes while a search is awaited.
  const stillHere = (): boolean => alive.current;

  const run = useCallback(async (): Promise<void> => {
    for (let attempt = 1; attempt <= RETRY_ATTEMPTS; attempt++) {
      setState({ phase: 'searching', attempt });
      let answer: SimilarityResults;
      try {
        answer = await searchSimilar({ kind, id });
      } catch (error) {
        if (stillHere()) {
          setState({ phase: 'failed', error });
        }
        return;
      }
      if (!stillHere()) {
        return;
      }
      // Unconfirmed candidates alone do not end the wait: the match may still be being analysed.
      if (answer.results.some((result) => result.accepted) || attempt === RETRY_ATTEMPTS) {
        setState({ phase: 'done', answer });
        return;
      }
      setState({ phase: 'waiting', attempt, answer });
      await new Promise((resolve) => setTimeout(resolve, RETRY_SECONDS * 1000));
      if (!stillHere()) {
        return;
      }
    }
  }, [kind, id]);

  useEffect(() => {
    alive.current = true;
    void run();
    return () => {
      alive.current = false;
    };
  }, [run, round]);

  const title = kind === 'clue' ? 'Same object elsewhere' : 'Similar places';
  return (
    <>
      <PageHeader title={title}>
        <button
          type="button"
          disabled={state.phase === 'searching' || state.phase === 'waiting'}
          onClick={() => {
            setRound((value) => value + 1);
          }}
        >
          Search again
        </button>
        {queryMediaId ? <Link to={`/media/${queryMediaId}`}>Back to the image</Link> : null}
      </PageHeader>
      <p className="muted">
        {kind === 'clue'
          ? "Held images that show the object inside the clue's rectangle, verified by matching keypoints, then pictures that only look alike."
          : 'Held images taken in the same place, verified by matching keypoints or a very close overall likeness, then pictures that only look alike.'}
      </p>
      {state.phase === 'failed' ? <ErrorMessage error={state.error} title="The search failed" /> : null}
      {state.phase === 'searching' || state.phase === 'waiting' ? (
        <p className="muted" role="status" aria-live="polite" data-testid="similar-progress">
          {state.phase === 'searching'
            ? `Searching… (attempt ${state.attempt} of ${RETRY_ATTEMPTS})`
            : `No verified match yet. Held images not analysed before are being analysed in the background; searching again in ${RETRY_SECONDS} seconds (attempt ${state.attempt} of ${RETRY_ATTEMPTS}).`}
        </p>
      ) : null}
      {state.phase === 'done' || state.phase === 'waiting' ? (
        <SimilarResultList answer={state.answer} queryMediaId={queryMediaId} kind={kind} />
      ) : null}
    </>
  );
}

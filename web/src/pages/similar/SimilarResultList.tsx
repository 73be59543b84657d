import { useState, type ReactNode } from 'react';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty } from '../../components/states';
import { Preview } from '../../wellbeing/Preview';
import { MatchExplanation } from './MatchExplanation';
import type { RestrictedResult, SimilarityResults, VisibleResult } from './similar-search';

const percent = (score: number): string => `${Math.round(score * 100)}%`;

/** The verified matches, best first: visible ones with a preview, foreign ones with whom to ask. */
export function SimilarResultList({
  answer,
  queryMediaId,
  kind,
}: {
  answer: SimilarityResults;
  queryMediaId: string | null;
  kind: 'clue' | 'media';
}): ReactNode {
  const { session } = useSession();
  const [explained, setExplained] = useState<string | null>(null);
  const { probe, results } = answer;
  const shown = results.find(
    (result): result is VisibleResult => !result.restricted && result.mediaId === explained,
  );
  if (probe.keypoints === 0) {
    return (
      <Empty>
        No distinctive detail was found in the {kind === 'clue' ? "clue's rectangle" : 'image'} to search
        with. A larger or more textured area may work.
      </Empty>
    );
  }
  const probeLine = (
    <p className="muted small" data-testid="similar-probe">
      Searched with {probe.keypoints} keypoints
      {probe.region
        ? ` in ${probe.region.width}×${probe.region.height} pixels at ${probe.region.x},${probe.region.y}`
        : ''}{' '}
      of a {probe.width}×{probe.height} image.
    </p>
  );
  if (results.length === 0) {
    return (
      <>
        {probeLine}
        <Empty>No held image matches. Images still being analysed are not searched yet.</Empty>
      </>
    );
  }
  return (
    <>
      {probeLine}
      <ol className="similar-results" aria-label="Similar images, best first">
        {results.map((result, index) =>
          result.restricted ? (
            <RestrictedItem key={`restricted-${index}`} rank={index + 1} result={result} />
          ) : (
            <li key={result.mediaId} className="card similar-result" data-testid="similar-result">
              <h2 className="small">
                {index + 1}. {result.kind} match · score {percent(result.score)} · {result.inliers} inliers
              </h2>
              {can(session, 'media.preview') ? (
                <Preview
                  mediaId={result.mediaId}
                  label={`result ${index + 1}, image ${result.sha256.slice(0, 12)}`}
                  canReveal={can(session, 'media.preview.clear')}
                />
              ) : null}
              <dl className="facts">
                <dt>Score</dt>
                <dd data-testid="similar-score">{percent(result.score)}</dd>
                <dt>Inliers</dt>
                <dd data-testid="similar-inliers">
                  {result.inliers} of {result.tentative} tentative pairs
                </dd>
                <dt>Image</dt>
                <dd>
                  <Link to={`/media/${result.mediaId}`}>
                    <code className="small">{result.sha256.slice(0, 16)}</code>
                  </Link>
                </dd>
                <dt>Series</dt>
                <dd>
                  {result.series.length === 0
                    ? 'none'
                    : result.series.map((fact, at) =>
                        fact.restricted ? (
                          <span key={at}>
                            a series of {fact.ask.agency} ({fact.ask.country}){' '}
                          </span>
                        ) : (
                          <Link key={fact.id} to={`/series/${fact.id}`}>
                            {fact.number} {fact.title}{' '}
                          </Link>
                        ),
                      )}
                </dd>
              </dl>
              {queryMediaId && can(session, 'media.preview') ? (
                <button
                  type="button"
                  aria-expanded={explained === result.mediaId}
                  aria-controls="similar-explanation"
                  onClick={() => {
                    setExplained(explained === result.mediaId ? null : result.mediaId);
                  }}
                >
                  {explained === result.mediaId ? 'Close explanation' : `Why result ${index + 1} matches`}
                </button>
              ) : null}
            </li>
          ),
        )}
      </ol>
      {shown && queryMediaId ? (
        <MatchExplanation
          queryMediaId={queryMediaId}
          probe={probe}
          result={shown}
          canReveal={can(session, 'media.preview.clear')}
        />
      ) : null}
    </>
  );
}

function RestrictedItem({ rank, result }: { rank: number; result: RestrictedResult }): ReactNode {
  return (
    <li className="card similar-result is-restricted" data-testid="similar-restricted">
      <h2 className="small">
        {rank}. {result.kind} match outside your sharing · score {percent(result.score)} · {result.inliers}{' '}
        inliers
      </h2>
      <p>
        A matching image exists that you may not see.{' '}
        {result.holders.length === 0
          ? 'Ask the system administrator who holds it.'
          : `Ask ${result.holders
              .map(
                (holder) =>
                  `${holder.agency} (${holder.country})${holder.contact ? `, ${holder.contact}` : ''}`,
              )
              .join('; ')}.`}
      </p>
    </li>
  );
}

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
  const accepted = results.filter((result) => result.accepted);
  const unconfirmed = results.filter((result): result is VisibleResult => !result.accepted);
  const explain = (result: VisibleResult, rank: number): ReactNode =>
    queryMediaId && can(session, 'media.preview') ? (
      <button
        type="button"
        aria-expanded={explained === result.mediaId}
        aria-controls="similar-explanation"
        onClick={() => {
          setExplained(explained === result.mediaId ? null : result.mediaId);
        }}
      >
        {explained === result.mediaId
          ? 'Close explanation'
          : `Why result ${rank} ${result.accepted ? 'matches' : 'is shown'}`}
      </button>
    ) : null;
  return (
    <>
      {probeLine}
      {accepted.length === 0 ? (
        <Empty>
          No held image is confirmed as a match. Images still being analysed are not searched yet.
        </Empty>
      ) : (
        <ol className="similar-results" aria-label="Similar images, best first">
          {accepted.map((result, index) =>
            result.restricted ? (
              <RestrictedItem key={`restricted-${index}`} rank={index + 1} result={result} />
            ) : (
              <VisibleItem
                key={result.mediaId}
                rank={index + 1}
                result={result}
                explain={explain(result, index + 1)}
              />
            ),
          )}
        </ol>
      )}
      {unconfirmed.length > 0 ? (
        <section aria-labelledby="similar-unconfirmed" data-testid="similar-unconfirmed">
          <h2 id="similar-unconfirmed">Look alike, not confirmed ({unconfirmed.length})</h2>
          <p className="muted small">
            These pictures resemble the {kind === 'clue' ? "clue's rectangle" : 'image'} as a whole, but too
            few keypoints matched to confirm {kind === 'clue' ? 'the same object' : 'the same place'}. They
            are candidates for you to judge, best first; only pictures you may see are listed.
          </p>
          <ol className="similar-results is-unconfirmed" aria-label="Unconfirmed candidates, best first">
            {unconfirmed.map((result, index) => (
              <VisibleItem
                key={result.mediaId}
                rank={accepted.length + index + 1}
                result={result}
                explain={explain(result, accepted.length + index + 1)}
              />
            ))}
          </ol>
        </section>
      ) : null}
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

function VisibleItem({
  rank,
  result,
  explain,
}: {
  rank: number;
  result: VisibleResult;
  explain: ReactNode;
}): ReactNode {
  const { session } = useSession();
  return (
    <li
      className={`card similar-result${result.accepted ? '' : ' is-unconfirmed'}`}
      data-testid={result.accepted ? 'similar-result' : 'similar-candidate'}
    >
      <h2 className="small">
        {rank}. {result.accepted ? `${result.kind} match` : 'not confirmed'} · score {percent(result.score)} ·{' '}
        {result.inliers} inliers
        {result.globalSimilarity === null ? '' : ` · looks alike ${percent(result.globalSimilarity)}`}
      </h2>
      {can(session, 'media.preview') ? (
        <Preview
          mediaId={result.mediaId}
          label={`result ${rank}, image ${result.sha256.slice(0, 12)}`}
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
      {explain}
    </li>
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

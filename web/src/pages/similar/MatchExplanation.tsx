import type { ReactNode } from 'react';
import { apiUrl } from '../../api/client';
import { RevealButton, useReveal } from '../../wellbeing/RevealButton';
import { useWellbeing } from '../../wellbeing/wellbeing-context';
import type { SimilarityResults, VisibleResult } from './similar-search';

/** Height of both images in the drawing's own units; widths follow each image's proportions. */
const ROW_HEIGHT = 360;
const GAP = 24;

/**
 * Why a result matched: the query image and the result side by side with the verified keypoint
 * pairs drawn between them. Both images stay blurred (and greyscale when the user wants it) until
 * this one comparison is revealed; the pairs come in original pixels and are scaled to the drawing.
 */
export function MatchExplanation({
  queryMediaId,
  probe,
  result,
  canReveal,
}: {
  queryMediaId: string;
  probe: SimilarityResults['probe'];
  result: VisibleResult;
  canReveal: boolean;
}): ReactNode {
  const { settings } = useWellbeing();
  const revealKey = `similar:${queryMediaId}:${result.mediaId}`;
  const { open, variant } = useReveal(revealKey);
  const queryWidth = (probe.width * ROW_HEIGHT) / Math.max(1, probe.height);
  const resultWidth = (result.width * ROW_HEIGHT) / Math.max(1, result.height);
  const resultLeft = queryWidth + GAP;
  const queryScale = ROW_HEIGHT / Math.max(1, probe.height);
  const resultScale = ROW_HEIGHT / Math.max(1, result.height);
  const imageStyle = { filter: open && settings.greyscalePreviews ? 'grayscale(1)' : undefined };
  return (
    <section className="card" id="similar-explanation" aria-labelledby="similar-explanation-title">
      <h2 id="similar-explanation-title">Why it matches</h2>
      <p className="muted small">
        Left: the searched image{probe.region ? ' (the searched area outlined)' : ''}. Right: image{' '}
        {result.sha256.slice(0, 12)}. Each line joins a keypoint pair that agrees with one geometric
        transformation: {result.inliers} pairs, score {Math.round(result.score * 100)}%.
      </p>
      <svg
        className="similar-explanation"
        data-testid="similar-explanation"
        viewBox={`0 0 ${resultLeft + resultWidth} ${ROW_HEIGHT}`}
        role="img"
        aria-label={`${open ? 'Revealed' : 'Blurred'} searched image and result side by side with ${result.pairs.length} matched keypoint pairs joined by lines`}
      >
        <image
          href={apiUrl('/api/v1/media/{id}/preview', { id: queryMediaId }, { variant })}
          x={0}
          y={0}
          width={queryWidth}
          height={ROW_HEIGHT}
          preserveAspectRatio="none"
          style={imageStyle}
        />
        <image
          href={apiUrl('/api/v1/media/{id}/preview', { id: result.mediaId }, { variant })}
          x={resultLeft}
          y={0}
          width={resultWidth}
          height={ROW_HEIGHT}
          preserveAspectRatio="none"
          style={imageStyle}
        />
        {probe.region ? (
          <rect
            className="similar-region"
            x={probe.region.x * queryScale}
            y={probe.region.y * queryScale}
            width={probe.region.width * queryScale}
            height={probe.region.height * queryScale}
          />
        ) : null}
        <g className="similar-pairs">
          {result.pairs.map((pair, index) => (
            <line
              key={index}
              x1={pair.query[0] * queryScale}
              y1={pair.query[1] * queryScale}
              x2={resultLeft + pair.candidate[0] * resultScale}
              y2={pair.candidate[1] * resultScale}
            />
          ))}
        </g>
      </svg>
      {canReveal ? (
        <RevealButton
          revealKey={revealKey}
          text={{ reveal: 'Reveal both images', hide: 'Hide both images' }}
        />
      ) : null}
    </section>
  );
}

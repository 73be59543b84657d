import { useState, type ReactNode } from 'react';
import { timeCode } from '../../components/time-code';
import { RevealButton, useReveal } from '../../wellbeing/RevealButton';

/**
 * One picture of a video (a stored frame, or a frame decoded at a time code): blurred greyscale
 * until revealed, and revealing it hides the video's other revealed frames, so at most one of a
 * video's frames is ever clear.
 */
export function VideoFramePreview({
  mediaId,
  revealKey,
  seconds,
  canReveal,
  pictureUrl,
  caption,
  testId,
}: {
  mediaId: string;
  /** Unique per picture; starts with `${mediaId}@` so the video's frames hide one another. */
  revealKey: string;
  seconds: number;
  canReveal: boolean;
  pictureUrl: (variant: 'clear' | 'blurred') => string;
  caption?: ReactNode;
  testId?: string;
}): ReactNode {
  const [failedKey, setFailedKey] = useState<string | null>(null);
  const failed = failedKey === revealKey;
  const { open, variant, imageClass } = useReveal(revealKey);
  const label = `frame at ${timeCode(seconds)}`;
  return (
    <figure className="preview" data-revealed={open ? 'true' : 'false'} data-testid={testId}>
      <div className="preview-frame">
        {failed ? (
          <div className="preview-missing">No picture</div>
        ) : (
          <img
            key={`${revealKey}:${variant}`}
            className={`preview-image ${imageClass}`}
            src={pictureUrl(variant)}
            alt={open ? `Revealed ${label}` : `Blurred ${label}`}
            draggable={false}
            onError={() => {
              setFailedKey(revealKey);
            }}
          />
        )}
      </div>
      {caption === undefined ? null : <figcaption className="small">{caption}</figcaption>}
      {canReveal && !failed ? (
        <RevealButton
          revealKey={revealKey}
          label={label}
          className="reveal-button"
          alsoHide={(revealed) => [...revealed].filter((other) => other.startsWith(`${mediaId}@`))}
        />
      ) : null}
    </figure>
  );
}

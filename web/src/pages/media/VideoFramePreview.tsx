import { useState, type ReactNode } from 'react';
import { timeCode } from '../../components/time-code';
import { useWellbeing } from '../../wellbeing/wellbeing-context';

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
  const { settings, revealed, reveal, hide } = useWellbeing();
  const [failedKey, setFailedKey] = useState<string | null>(null);
  const failed = failedKey === revealKey;
  const open = revealed.has(revealKey);
  const variant = open ? 'clear' : 'blurred';
  const label = `frame at ${timeCode(seconds)}`;
  return (
    <figure className="preview" data-revealed={open ? 'true' : 'false'} data-testid={testId}>
      <div className="preview-frame">
        {failed ? (
          <div className="preview-missing">No picture</div>
        ) : (
          <img
            key={`${revealKey}:${variant}`}
            className={`preview-image ${open ? 'is-revealed' : 'is-blurred'} ${open && settings.greyscalePreviews ? 'is-grey' : ''}`}
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
        <button
          type="button"
          className="reveal-button"
          aria-pressed={open}
          aria-label={open ? `Hide ${label}` : `Reveal ${label}`}
          onClick={() => {
            if (open) {
              hide(revealKey);
              return;
            }
            for (const other of revealed) {
              if (other.startsWith(`${mediaId}@`)) {
                hide(other);
              }
            }
            reveal(revealKey);
          }}
        >
          {open ? 'Hide' : 'Reveal'}
        </button>
      ) : null}
    </figure>
  );
}

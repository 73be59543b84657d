import { useState, type ReactNode } from 'react';
import { apiUrl } from '../../api/client';
import { timeCode } from '../../components/time-code';
import { useWellbeing } from '../../wellbeing/wellbeing-context';

/**
 * The frame of a video at a time code, decoded on request: blurred greyscale until revealed, and
 * revealing it hides the video's other revealed frames (one at a time).
 */
export function FrameAtTime({
  mediaId,
  seconds,
  canReveal,
}: {
  mediaId: string;
  seconds: number;
  canReveal: boolean;
}): ReactNode {
  const { settings, revealed, reveal, hide } = useWellbeing();
  const [failed, setFailed] = useState<number | null>(null);
  const key = `${mediaId}@t${seconds}`;
  const open = revealed.has(key);
  const variant = open ? 'clear' : 'blurred';
  const label = `frame at ${timeCode(seconds)}`;
  return (
    <figure className="preview" data-revealed={open ? 'true' : 'false'} data-testid="frame-at">
      <div className="preview-frame">
        {failed === seconds ? (
          <div className="preview-missing">No picture</div>
        ) : (
          <img
            key={`${seconds}:${variant}`}
            className={`preview-image ${open ? 'is-revealed' : 'is-blurred'} ${open && settings.greyscalePreviews ? 'is-grey' : ''}`}
            src={apiUrl('/api/v1/media/{id}/frame', { id: mediaId }, { t: seconds, variant })}
            alt={open ? `Revealed ${label}` : `Blurred ${label}`}
            draggable={false}
            onError={() => {
              setFailed(seconds);
            }}
          />
        )}
      </div>
      <figcaption className="small">This video at {timeCode(seconds)}</figcaption>
      {canReveal && failed !== seconds ? (
        <button
          type="button"
          className="reveal-button"
          aria-pressed={open}
          aria-label={open ? `Hide ${label}` : `Reveal ${label}`}
          onClick={() => {
            if (open) {
              hide(key);
              return;
            }
            for (const other of revealed) {
              if (other.startsWith(`${mediaId}@`)) {
                hide(other);
              }
            }
            reveal(key);
          }}
        >
          {open ? 'Hide' : 'Reveal'}
        </button>
      ) : null}
    </figure>
  );
}

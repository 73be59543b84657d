import { useEffect, useState, type ReactNode } from 'react';
import { apiUrl } from '../api/client';
import { RevealButton, useReveal } from './RevealButton';
import { useWellbeing } from './wellbeing-context';

/**
 * A medium's preview, blurred and greyscale until the user reveals this one item. Revealing asks
 * the server for the clear preview, which the server records in the audit log.
 */
export function Preview({
  mediaId,
  label,
  large = false,
  canReveal,
  group,
}: {
  mediaId: string;
  /** Says which item this is (file name), never what it shows. */
  label: string;
  large?: boolean;
  canReveal: boolean;
  /** Media shown together (a list of matches): revealing this one hides the others. */
  group?: readonly string[];
}): ReactNode {
  const { settings, reveal, hide } = useWellbeing();
  const [failed, setFailed] = useState(false);
  const { open, variant, imageClass } = useReveal(mediaId);
  const clearByDefault = canReveal && !settings.blurPreviews;

  // A user who relaxed blurring sees items clear at once; they still count as revealed.
  useEffect(() => {
    if (clearByDefault) {
      reveal(mediaId);
      return () => {
        hide(mediaId);
      };
    }
    return undefined;
  }, [clearByDefault, mediaId, reveal, hide]);

  return (
    <figure className={`preview ${large ? 'preview-large' : ''}`} data-revealed={open ? 'true' : 'false'}>
      <div className="preview-frame">
        {failed ? (
          <div className="preview-missing">No preview</div>
        ) : (
          <img
            key={variant}
            className={`preview-image ${imageClass}`}
            src={apiUrl('/api/v1/media/{id}/preview', { id: mediaId }, { variant })}
            alt={open ? `Revealed preview of ${label}` : `Blurred preview of ${label}`}
            draggable={false}
            onError={() => {
              setFailed(true);
            }}
          />
        )}
      </div>
      {canReveal && !failed ? (
        <RevealButton
          revealKey={mediaId}
          label={label}
          className="reveal-button"
          alsoHide={(revealed) => (group ?? []).filter((other) => revealed.has(other))}
        />
      ) : null}
    </figure>
  );
}

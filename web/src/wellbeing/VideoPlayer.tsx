import { useEffect, useRef, type ReactNode } from 'react';
import { apiUrl } from '../api/client';
import { useWellbeing } from './wellbeing-context';

/**
 * A video from its original: hidden until the user reveals it (an audited original view), muted
 * unless the user chose otherwise, greyscale like previews.
 */
export function VideoPlayer({
  mediaId,
  label,
  revealKey = mediaId,
  seekTo,
}: {
  mediaId: string;
  label: string;
  /** A time code asked for (a new object each time, so that the same time code seeks again). */
  seekTo?: { readonly seconds: number } | null;
  /** What counts as revealed (default the medium; a page that also shows its contact sheet keeps them apart). */
  revealKey?: string;
}): ReactNode {
  const { settings, revealed, reveal, hide } = useWellbeing();
  const open = revealed.has(revealKey);
  const video = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    if (seekTo && video.current && video.current.readyState > 0) {
      video.current.currentTime = seekTo.seconds;
    }
  }, [seekTo]);
  return (
    <figure className="preview preview-large" data-revealed={open ? 'true' : 'false'}>
      <div className="preview-frame">
        {open ? (
          <video
            ref={video}
            onLoadedMetadata={(event) => {
              // Revealed after a time code was chosen: start there.
              if (seekTo) {
                event.currentTarget.currentTime = seekTo.seconds;
              }
            }}
            className={`preview-image ${settings.greyscalePreviews ? 'is-grey' : ''}`}
            src={apiUrl('/api/v1/media/{id}/original', { id: mediaId })}
            controls
            muted={settings.muteVideo}
            preload="metadata"
            aria-label={`Video ${label}`}
          />
        ) : (
          <div className="preview-missing">Video hidden</div>
        )}
      </div>
      <button
        type="button"
        className="reveal-button"
        aria-pressed={open}
        aria-label={open ? `Hide ${label}` : `Reveal ${label}`}
        onClick={() => {
          if (open) {
            hide(revealKey);
          } else {
            reveal(revealKey);
          }
        }}
      >
        {open ? 'Hide' : 'Reveal'}
      </button>
    </figure>
  );
}

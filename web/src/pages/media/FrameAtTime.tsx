import type { ReactNode } from 'react';
import { apiUrl } from '../../api/client';
import { timeCode } from '../../components/time-code';
import { VideoFramePreview } from './VideoFramePreview';

/** The frame of a video at a time code, decoded on request; revealed like the video's other frames. */
export function FrameAtTime({
  mediaId,
  seconds,
  canReveal,
}: {
  mediaId: string;
  seconds: number;
  canReveal: boolean;
}): ReactNode {
  return (
    <VideoFramePreview
      mediaId={mediaId}
      revealKey={`${mediaId}@t${seconds}`}
      seconds={seconds}
      canReveal={canReveal}
      pictureUrl={(variant) => apiUrl('/api/v1/media/{id}/frame', { id: mediaId }, { t: seconds, variant })}
      caption={`This video at ${timeCode(seconds)}`}
      testId="frame-at"
    />
  );
}

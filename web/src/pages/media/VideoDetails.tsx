import type { ReactNode } from 'react';
import { api, apiUrl } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatDuration } from '../../components/format';
import { Empty, Loaded } from '../../components/states';
import { timeCode } from '../../components/time-code';
import { useLoad } from '../../components/use-load';
import { VideoFramePreview } from './VideoFramePreview';

/** What was probed, the scene-change frames (blurred, revealed one at a time) and shared sound. */
export function VideoDetails({ mediaId }: { mediaId: string }): ReactNode {
  const { session } = useSession();
  const video = useLoad(() => api.get('/api/v1/media/{id}/video', { path: { id: mediaId } }), [mediaId]);
  const frames = useLoad(() => api.get('/api/v1/media/{id}/frames', { path: { id: mediaId } }), [mediaId]);
  const sound = useLoad(
    () => api.get('/api/v1/media/{id}/audio-matches', { path: { id: mediaId } }),
    [mediaId],
  );
  return (
    <>
      <section className="card" aria-labelledby="video-title">
        <h2 id="video-title">Video</h2>
        <Loaded state={video} what="the video facts">
          {(facts) => (
            <dl className="facts" data-testid="video-facts">
              <dt>Duration</dt>
              <dd>{formatDuration(facts.durationSeconds)}</dd>
              <dt>Picture</dt>
              <dd>
                {facts.width} × {facts.height}, {facts.fps.toFixed(2)} frames/s, {facts.videoCodec} in{' '}
                {facts.container}
              </dd>
              <dt>Sound</dt>
              <dd>{facts.hasAudio ? `${facts.audioCodec ?? 'yes'} (muted unless you unmute)` : 'none'}</dd>
              <dt>Frames hashed</dt>
              <dd>
                {facts.framesKept} kept of {facts.framesScanned} sampled
              </dd>
              <dt>Tagged creation time</dt>
              <dd>{facts.createdTag ?? '–'} (as tagged in the file, not verified)</dd>
            </dl>
          )}
        </Loaded>
      </section>
      {can(session, 'media.preview') ? (
        <section className="card" aria-labelledby="frames-title">
          <h2 id="frames-title">Scene changes</h2>
          <Loaded state={frames} what="the frames">
            {(data) => {
              const pictured = data.frames.filter((frame) => frame.picture);
              return pictured.length === 0 ? (
                <Empty>No scene-change frame stored.</Empty>
              ) : (
                <ul className="media-grid" aria-label="Scene-change frames">
                  {pictured.map((frame) => (
                    <li key={frame.position} className="tile">
                      <FramePicture
                        mediaId={mediaId}
                        position={frame.position}
                        seconds={frame.seconds}
                        canReveal={can(session, 'media.preview.clear')}
                      />
                      <div className="tile-text small">at {timeCode(frame.seconds)}</div>
                    </li>
                  ))}
                </ul>
              );
            }}
          </Loaded>
        </section>
      ) : null}
      <section className="card" aria-labelledby="sound-title">
        <h2 id="sound-title">Shared sound</h2>
        <Loaded state={sound} what="shared sound">
          {({ matches }) =>
            matches.length === 0 ? (
              <Empty>No other held video shares sound with this one.</Empty>
            ) : (
              <ul aria-label="Videos sharing sound">
                {matches.map((match) => (
                  <li key={match.mediaId}>
                    <Link to={`/media/${match.mediaId}`}>held video {match.sha256.slice(0, 12)}…</Link>:{' '}
                    {Math.round(match.seconds)} s of shared sound, from {timeCode(match.start)} here and{' '}
                    {timeCode(match.otherStart)} there ({Math.round(match.agreement * 100)} % agreement)
                  </li>
                ))}
              </ul>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

/** One stored frame of the video, revealed like its other frames. */
function FramePicture({
  mediaId,
  position,
  seconds,
  canReveal,
}: {
  mediaId: string;
  position: number;
  seconds: number;
  canReveal: boolean;
}): ReactNode {
  return (
    <VideoFramePreview
      mediaId={mediaId}
      revealKey={`${mediaId}@${position}`}
      seconds={seconds}
      canReveal={canReveal}
      pictureUrl={(variant) =>
        apiUrl('/api/v1/media/{id}/frames/{position}/picture', { id: mediaId, position }, { variant })
      }
    />
  );
}

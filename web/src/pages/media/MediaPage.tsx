import { useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatBytes, formatTime } from '../../components/format';
import { Empty, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { Preview } from '../../wellbeing/Preview';
import { VideoPlayer } from '../../wellbeing/VideoPlayer';
import { FrameAtTime } from './FrameAtTime';
import { MediumMatches } from './MediumMatches';
import { VideoDetails } from './VideoDetails';

/** The medium's hashes, metadata, where it occurs, and what else held is identical or near to it. */
export function MediaPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const medium = useLoad(() => api.get('/api/v1/media/{id}', { path: { id } }), [id]);
  // The time code last chosen in the matches: its frame is shown and the player seeks to it.
  const [moment, setMoment] = useState<{ readonly seconds: number } | null>(null);
  return (
    <Loaded state={medium} what="the medium">
      {(item) => (
        <>
          <PageHeader title={`Medium ${item.sha256.slice(0, 16)}…`}>
            {item.kind === 'image' ? <Link to={`/similar/media/${item.id}`}>Find similar places</Link> : null}
            {item.kind === 'image' || item.kind === 'video' ? (
              <Link to={`/texts/media/${item.id}`}>Text in this image</Link>
            ) : null}
          </PageHeader>
          <div className="media-detail">
            <div>
              {(item.kind === 'image' || item.kind === 'video') && can(session, 'media.preview') ? (
                // A video's preview is its contact sheet (frames with time codes), blurred like an image.
                <Preview
                  mediaId={item.id}
                  label={
                    item.kind === 'video'
                      ? `contact sheet of ${item.occurrences[0]?.path ?? item.sha256}`
                      : (item.occurrences[0]?.path ?? item.sha256)
                  }
                  large
                  canReveal={can(session, 'media.preview.clear')}
                />
              ) : (
                <div className="preview-missing">No preview for {item.kind}</div>
              )}
              {item.kind === 'video' && can(session, 'media.original') ? (
                <VideoPlayer
                  mediaId={item.id}
                  revealKey={`${item.id}:playback`}
                  label={`playback of ${item.occurrences[0]?.path ?? item.sha256}`}
                  seekTo={moment}
                />
              ) : null}
              {item.kind === 'video' && moment && can(session, 'media.preview') ? (
                <FrameAtTime
                  mediaId={item.id}
                  seconds={moment.seconds}
                  canReveal={can(session, 'media.preview.clear')}
                />
              ) : null}
            </div>
            <section className="card" aria-labelledby="facts-title">
              <h2 id="facts-title">File</h2>
              <dl className="facts">
                <dt>Type</dt>
                <dd>
                  {item.mime} ({item.kind}
                  {item.format ? `, ${item.format}` : ''})
                </dd>
                <dt>Size</dt>
                <dd>{formatBytes(item.size)}</dd>
                <dt>Dimensions</dt>
                <dd>{item.width && item.height ? `${item.width} × ${item.height}` : '–'}</dd>
                <dt>First recorded</dt>
                <dd>{formatTime(item.firstRecordedAt)}</dd>
                <dt>Analysis</dt>
                <dd>
                  {item.analysisState}
                  {item.analysisError ? `: ${item.analysisError}` : ''}
                </dd>
              </dl>
            </section>
          </div>
          <section className="card" aria-labelledby="hashes-title">
            <h2 id="hashes-title">Hashes</h2>
            <table>
              <thead>
                <tr>
                  <th scope="col">Signal</th>
                  <th scope="col">Value</th>
                  <th scope="col">Quality</th>
                </tr>
              </thead>
              <tbody>
                {item.hashes.map((hash) => (
                  <tr key={`${hash.signal}:${hash.value}`}>
                    <td>{hash.signal}</td>
                    <td>
                      <code className="hash">{hash.value}</code>
                    </td>
                    <td>{hash.quality ?? '–'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          {item.kind === 'video' ? <VideoDetails mediaId={item.id} /> : null}
          <MediumMatches
            item={item}
            onTimeCode={(seconds) => {
              setMoment({ seconds });
            }}
          />
          <Metadata metadata={item.metadata} gps={item.gps} />
          <section className="card" aria-labelledby="occurrences-title">
            <h2 id="occurrences-title">Where it occurs</h2>
            {item.occurrences.length === 0 ? (
              <Empty>No occurrence in a case visible to you.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Case</th>
                    <th scope="col">Path</th>
                    <th scope="col">Size</th>
                    <th scope="col">Modified</th>
                    <th scope="col">Recorded</th>
                  </tr>
                </thead>
                <tbody>
                  {item.occurrences.map((occurrence, index) => (
                    <tr key={index}>
                      <td>
                        <Link to={`/cases/${occurrence.caseId}`}>{occurrence.caseReference}</Link>
                      </td>
                      <td className="path">{occurrence.path}</td>
                      <td>{formatBytes(occurrence.size)}</td>
                      <td>{formatTime(occurrence.modifiedAt)}</td>
                      <td>{formatTime(occurrence.recordedAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </>
      )}
    </Loaded>
  );
}

/** EXIF and XMP as recorded; GPS as coordinates. */
function Metadata({
  metadata,
  gps,
}: {
  metadata: Schemas['Media']['metadata'];
  gps: Schemas['Media']['gps'];
}): ReactNode {
  const rows = Object.entries(metadata ?? {}).filter(([, value]) => value !== null && value !== undefined);
  return (
    <section className="card" aria-labelledby="metadata-title">
      <h2 id="metadata-title">Metadata</h2>
      {gps ? (
        <p data-testid="gps">
          GPS position: {gps.latitude.toFixed(6)}, {gps.longitude.toFixed(6)} ·{' '}
          {gps.country.name
            ? `in ${gps.country.name} (${gps.country.code ?? '?'})`
            : gps.country.code
              ? `in ${gps.country.code}`
              : 'country not resolved (at sea or on a border)'}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <Empty>No EXIF or XMP metadata recorded.</Empty>
      ) : (
        <dl className="facts">
          {rows.map(([key, value]) => (
            <div key={key} className="fact">
              <dt>{key}</dt>
              <dd>
                {typeof value === 'object'
                  ? JSON.stringify(value)
                  : String(value as string | number | boolean)}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

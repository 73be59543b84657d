import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Preview } from '../../wellbeing/Preview';
import { MatchList } from './MatchList';

export type ResultItem = Schemas['IngestResults']['items'][number];

/** One file of a triage in a media grid: its (blurred) preview, status, path and matches. */
export function MediaTile({ item }: { item: ResultItem }): ReactNode {
  const { session } = useSession();
  return (
    <li className={`tile status-${item.status}`} data-status={item.status}>
      {item.mediaId && can(session, 'media.preview') && (item.kind === 'image' || item.kind === 'video') ? (
        <Preview mediaId={item.mediaId} label={item.path} canReveal={can(session, 'media.preview.clear')} />
      ) : (
        <div className="preview-missing">{item.kind ?? 'file'}</div>
      )}
      <div className="tile-text">
        <span className={`badge status-${item.status}`}>{item.status}</span>{' '}
        {item.mediaId ? (
          <Link to={`/media/${item.mediaId}`} className="path">
            {item.path}
          </Link>
        ) : (
          <span className="path">{item.path}</span>
        )}
        {item.error ? <p className="error-text">{item.error}</p> : null}
        <MatchList matches={item.matches} />
      </div>
    </li>
  );
}

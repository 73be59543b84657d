import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import { Link } from '../../app/router';

/** Matches with their distance; outside your sharing level only who holds the medium. */
export function MatchList({ matches }: { matches: readonly Schemas['Match'][] }): ReactNode {
  if (matches.length === 0) {
    return null;
  }
  return (
    <ul className="matches">
      {matches.map((match, index) =>
        match.restricted ? (
          <li key={index}>
            <span className="badge">{match.signal}</span> distance {match.distance}
            {match.transform ? ` (${match.transform})` : ''}: held by{' '}
            {match.holders.map((holder) => `${holder.agency} (${holder.country})`).join(', ')}, outside your
            sharing level
          </li>
        ) : (
          <li key={index}>
            <span className="badge">{match.signal}</span> distance {match.distance}
            {match.transform ? ` (${match.transform})` : ''}:{' '}
            <Link to={`/media/${match.mediaId}`}>held medium {match.sha256.slice(0, 12)}…</Link>
            {match.cases.length > 0 ? ` in ${match.cases.join(', ')}` : ''}
          </li>
        ),
      )}
    </ul>
  );
}

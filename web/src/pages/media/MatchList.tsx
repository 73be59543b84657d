import type { ReactNode } from 'react';
import type { Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { timeCodes } from '../../components/time-code';

type Match = Schemas['Match'];

/**
 * For video matches: the share of frames found and where (time codes). A held video found by a
 * video or an image gives time codes in the held video; a held image found by a video gives them
 * in the probe video; video-to-video gives both sides.
 */
function videoDetails(match: Match): string {
  const parts: string[] = [];
  if (match.similarity !== undefined && match.signal === 'vpdq') {
    parts.push(`${Math.round(match.similarity * 100)} % of frames`);
  }
  if (!match.restricted) {
    if (match.heldSimilarity !== undefined) {
      parts.push(`${Math.round(match.heldSimilarity * 100)} % of the held video's frames`);
    }
    if (match.offsets && match.offsets.length > 0) {
      const where = match.kind === 'video' ? 'in the held video' : 'in this video';
      parts.push(`at ${timeCodes(match.offsets)} ${where}`);
    }
    if (match.probeOffsets && match.probeOffsets.length > 0) {
      parts.push(`from ${timeCodes(match.probeOffsets)} in this video`);
    }
  }
  return parts.length > 0 ? ` · ${parts.join(' · ')}` : '';
}

/** Matches with their distance; outside your sharing level only who holds the medium. */
export function MatchList({ matches }: { matches: readonly Match[] }): ReactNode {
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
            sharing level{videoDetails(match)}
          </li>
        ) : (
          <li key={index} data-testid="match">
            <span className="badge">{match.signal}</span> distance {match.distance}
            {match.transform ? ` (${match.transform})` : ''}:{' '}
            <Link to={`/media/${match.mediaId}`}>
              held {match.kind} {match.sha256.slice(0, 12)}…
            </Link>
            {match.cases.length > 0 ? ` in ${match.cases.join(', ')}` : ''}
            {videoDetails(match)}
          </li>
        ),
      )}
    </ul>
  );
}

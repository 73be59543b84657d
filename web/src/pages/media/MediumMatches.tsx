import type { ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { Empty, Loaded } from '../../components/states';
import { timeCode, timeCodes } from '../../components/time-code';
import { useLoad } from '../../components/use-load';
import { Preview } from '../../wellbeing/Preview';

type MediumMatch = Schemas['MediumMatch'];

/** Time-code buttons per match; a long run is summed up after these. */
const SHOWN_TIME_CODES = 12;

const SIGNAL_NAMES: Record<string, string> = {
  sha256: 'identical file',
  md5: 'same MD5',
  sha1: 'same SHA-1',
  pdq: 'near picture (PDQ)',
  vpdq: 'video frames (vPDQ)',
  chromaprint: 'shared sound',
};

/** How the match was found and how strong it is, in words. */
function strength(match: MediumMatch): string {
  const parts = [`distance ${match.distance}`];
  if (match.signal === 'chromaprint' && match.similarity !== undefined) {
    parts.push(`${Math.round(match.similarity * 100)} % of the stretch agrees`);
  } else if (match.similarity !== undefined && match.signal === 'vpdq') {
    parts.push(`${Math.round(match.similarity * 100)} % of this medium's frames`);
  }
  if (!match.restricted && match.heldSimilarity !== undefined) {
    parts.push(`${Math.round(match.heldSimilarity * 100)} % of the other video's frames`);
  }
  if (!match.restricted && match.segmentSeconds !== undefined) {
    parts.push(`${Math.round(match.segmentSeconds)} s long`);
  }
  return parts.join(' · ');
}

/** Where the match lies in the other medium, when that medium is a video you may see. */
function thereText(match: MediumMatch, thisKind: string): string | null {
  if (match.restricted || match.kind !== 'video' || !match.offsets || match.offsets.length === 0) {
    return null;
  }
  // A held image found in this video carries this video's time codes in `offsets`, not the other's.
  if (thisKind === 'video' && match.signal === 'pdq') {
    return null;
  }
  return `${match.signal === 'chromaprint' ? 'from' : 'at'} ${timeCodes(match.offsets)} in the other video`;
}

/**
 * Held media matching this one, with the time codes where each shows in this video (buttons that
 * show that frame and seek the player), under sharing levels: outside them only who to ask.
 * Previews stay blurred and greyscale; revealing one hides the others of the list.
 */
export function MediumMatches({
  item,
  onTimeCode,
}: {
  item: Schemas['Media'];
  onTimeCode: (seconds: number) => void;
}): ReactNode {
  const { session } = useSession();
  const found = useLoad(() => api.get('/api/v1/media/{id}/matches', { path: { id: item.id } }), [item.id]);
  return (
    <section className="card" aria-labelledby="matches-title">
      <h2 id="matches-title">Matches</h2>
      <Loaded state={found} what="matches">
        {({ matches }) => {
          if (matches.length === 0) {
            return <Empty>No other held medium is identical or near to this one.</Empty>;
          }
          const group = matches.flatMap((match) => (match.restricted ? [] : [match.mediaId]));
          return (
            <ul className="medium-matches" aria-label="Matching media">
              {matches.map((match, index) => {
                const there = thereText(match, item.kind);
                return (
                  <li
                    key={index}
                    className="medium-match"
                    data-testid={match.restricted ? 'restricted-match' : 'match'}
                  >
                    {!match.restricted && can(session, 'media.preview') ? (
                      <Preview
                        mediaId={match.mediaId}
                        label={`matching ${match.kind} ${match.sha256.slice(0, 12)}`}
                        canReveal={can(session, 'media.preview.clear')}
                        group={group}
                      />
                    ) : (
                      <div className="preview-missing small">
                        {match.restricted ? 'Not shared with you' : 'No preview'}
                      </div>
                    )}
                    <div>
                      <p>
                        <span className="badge">{SIGNAL_NAMES[match.signal] ?? match.signal}</span>{' '}
                        {match.restricted ? (
                          <>
                            a {match.kind} held by{' '}
                            {match.holders.map((holder) => `${holder.agency} (${holder.country})`).join(', ')}
                            , outside your sharing level: ask them
                          </>
                        ) : (
                          <>
                            <Link to={`/media/${match.mediaId}`}>
                              {match.kind} {match.sha256.slice(0, 12)}…
                            </Link>
                            {match.cases.length > 0 ? ` in ${match.cases.join(', ')}` : ''}
                          </>
                        )}
                      </p>
                      <p className="small">
                        {strength(match)}
                        {match.transform ? ` · through ${match.transform}` : ''}
                      </p>
                      {match.here.length > 0 ? (
                        <p className="small" data-testid="match-here">
                          In this video at{' '}
                          {match.here.slice(0, SHOWN_TIME_CODES).map((seconds) => (
                            <button
                              key={seconds}
                              type="button"
                              className="time-code"
                              aria-label={`Show this video at ${timeCode(seconds)}`}
                              onClick={() => {
                                onTimeCode(seconds);
                              }}
                            >
                              {timeCode(seconds)}
                            </button>
                          ))}
                          {match.here.length > SHOWN_TIME_CODES
                            ? `and ${match.here.length - SHOWN_TIME_CODES} more up to ${timeCode(Math.max(...match.here))}`
                            : null}
                        </p>
                      ) : null}
                      {there ? <p className="small">{there}</p> : null}
                    </div>
                  </li>
                );
              })}
            </ul>
          );
        }}
      </Loaded>
    </section>
  );
}

import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { ErrorMessage } from '../../components/states';
import { FaceCrop } from './FaceCrop';
import { percent, type SeriesLabel, type Suggestion } from './face-suggestions';

const seriesName = (labels: ReadonlyMap<string, SeriesLabel>, id: string): string => {
  const label = labels.get(id);
  return label ? `series ${label.number}` : 'a series';
};

/**
 * "Same person as in series X": both faces side by side (blurred until each is revealed), the
 * score, and the human decision. The explanation shows both crops large with the threshold.
 */
export function SuggestionCard({
  suggestion,
  labels,
  threshold,
  onDecided,
}: {
  suggestion: Suggestion;
  labels: ReadonlyMap<string, SeriesLabel>;
  threshold: number | null;
  onDecided: (decided: Suggestion) => void;
}): ReactNode {
  const { session } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [explained, setExplained] = useState(false);
  const canReveal = can(session, 'media.preview.clear');
  const canSee = can(session, 'media.preview');
  const { other } = suggestion;
  const own = seriesName(labels, suggestion.seriesId);
  const title = other.restricted
    ? `${own}: same person as in a series outside your sharing`
    : `${own}: same person as in ${seriesName(labels, other.seriesId)}`;

  const decide = async (decision: 'accept' | 'reject'): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      onDecided(
        await api.post('/api/v1/face-suggestions/{id}/decision', {
          path: { id: String(suggestion.id) },
          body: { decision },
        }),
      );
    } catch (caught) {
      api.noteFailure(caught);
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  const ownCrop = (large: boolean): ReactNode => (
    <FaceCrop
      faceId={suggestion.face.faceId}
      label={`in ${own}, face ${suggestion.face.faceId}`}
      canReveal={canReveal}
      large={large}
    />
  );
  const otherCrop = (large: boolean): ReactNode =>
    other.restricted ? (
      <div className="face-crop face-crop-restricted">
        <p className="small">
          A face you may not see.{' '}
          {other.ask.length === 0
            ? 'Ask the system administrator who holds it.'
            : `Ask ${other.ask.map((a) => `${a.name} (${a.country})${a.contact ? `, ${a.contact}` : ''}`).join('; ')}.`}
        </p>
      </div>
    ) : (
      <FaceCrop
        faceId={other.faceId}
        label={`in ${seriesName(labels, other.seriesId)}, face ${other.faceId}`}
        canReveal={canReveal}
        large={large}
      />
    );

  return (
    <li className="card face-suggestion" data-testid="face-suggestion" data-state={suggestion.state}>
      <h2 className="small">{title}</h2>
      <p className="small">
        Score <strong data-testid="suggestion-score">{percent(suggestion.score)}</strong> ·{' '}
        <span data-testid="suggestion-state">
          {suggestion.state === 'open'
            ? 'not decided yet'
            : `${suggestion.state} by ${suggestion.decidedBy ?? 'someone'} ${formatTime(suggestion.decidedAt)}`}
        </span>
      </p>
      {canSee ? (
        <div className="face-pair">
          {ownCrop(false)}
          {otherCrop(false)}
        </div>
      ) : null}
      <p className="small">
        <Link to={`/series/${suggestion.seriesId}`}>Open {own}</Link>
        {other.restricted ? null : (
          <>
            {' · '}
            <Link to={`/series/${other.seriesId}`}>Open {seriesName(labels, other.seriesId)}</Link>
          </>
        )}
      </p>
      <div className="actions">
        <button
          type="button"
          disabled={busy || suggestion.state === 'accepted'}
          onClick={() => void decide('accept')}
        >
          Same person
        </button>
        <button
          type="button"
          disabled={busy || suggestion.state === 'rejected'}
          onClick={() => void decide('reject')}
        >
          Not the same person
        </button>
        {canSee ? (
          <button
            type="button"
            aria-expanded={explained}
            onClick={() => {
              setExplained(!explained);
            }}
          >
            {explained ? 'Close explanation' : 'Why suggested'}
          </button>
        ) : null}
      </div>
      {error !== undefined ? <ErrorMessage error={error} title="The decision was not recorded" /> : null}
      {explained ? (
        <section className="face-explanation" aria-label="Why suggested" data-testid="face-explanation">
          <p className="small">
            The two faces&apos; embeddings have a cosine similarity of {suggestion.score.toFixed(3)}
            {threshold === null
              ? '.'
              : `; faces from ${threshold.toFixed(2)} on are suggested as one person.`}{' '}
            A suggestion is a lead for a human to check, never an identification.
          </p>
          <div className="face-pair">
            {ownCrop(true)}
            {otherCrop(true)}
          </div>
          <p className="small muted">
            Images: <Link to={`/media/${suggestion.face.mediaId}`}>this series&apos; image</Link>
            {other.restricted ? null : (
              <>
                {' · '}
                <Link to={`/media/${other.mediaId}`}>the other series&apos; image</Link>
              </>
            )}
          </p>
        </section>
      ) : null}
    </li>
  );
}

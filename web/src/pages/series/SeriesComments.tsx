import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from './agency-names';

/**
 * Comments and leads on a series, seen by every agency the series is shared with. Mentioning an
 * agency (@) notifies its users; only agencies that can see the series may be mentioned.
 */
export function SeriesComments({
  series,
  agencies,
}: {
  series: Schemas['SeriesDetail'];
  agencies: readonly Schemas['Agency'][] | undefined;
}): ReactNode {
  const { session } = useSession();
  const comments = useLoad(
    () => api.get('/api/v1/series/{id}/comments', { path: { id: series.id } }),
    [series.id],
  );
  const mentionable = (agencies ?? []).filter(
    (agency) =>
      agency.id !== session.user.agency.id &&
      (agency.id === series.agencyId ||
        series.sharing === 'network' ||
        series.sharedWith.includes(agency.id)),
  );
  return (
    <section className="card" aria-labelledby="series-comments">
      <h2 id="series-comments">Comments and leads</h2>
      <Loaded state={comments} what="the comments">
        {({ comments: list }) =>
          list.length === 0 ? (
            <Empty>No comments yet.</Empty>
          ) : (
            <ol className="thread" aria-label="Comments">
              {list.map((comment) => (
                <li key={comment.id} className={comment.parentId ? 'reply' : undefined}>
                  <p className="muted small">
                    <strong>{comment.kind === 'lead' ? 'Lead' : 'Comment'}</strong> by {comment.author} (
                    {agencyName(agencies, comment.agencyId)}), {formatTime(comment.createdAt)}
                    {comment.mentions.length > 0
                      ? ` · mentions ${comment.mentions.map((id) => `@${agencyName(agencies, id)}`).join(', ')}`
                      : ''}
                  </p>
                  <p className="pre-wrap">{comment.body}</p>
                </li>
              ))}
            </ol>
          )
        }
      </Loaded>
      {can(session, 'series.contribute') ? (
        <CommentForm seriesId={series.id} mentionable={mentionable} onSaved={comments.reload} />
      ) : null}
    </section>
  );
}

function CommentForm({
  seriesId,
  mentionable,
  onSaved,
}: {
  seriesId: string;
  mentionable: readonly Schemas['Agency'][];
  onSaved: () => void;
}): ReactNode {
  const [body, setBody] = useState('');
  const [kind, setKind] = useState<'comment' | 'lead'>('comment');
  const [mentions, setMentions] = useState<ReadonlySet<string>>(new Set());
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/series/{id}/comments', {
        path: { id: seriesId },
        body: { body: body.trim(), kind, mentions: [...mentions] },
      });
      setBody('');
      setMentions(new Set());
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="New comment">
      <label>
        Your comment or lead
        <textarea
          required
          maxLength={20000}
          rows={3}
          value={body}
          onChange={(event) => {
            setBody(event.target.value);
          }}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={kind === 'lead'}
          onChange={(event) => {
            setKind(event.target.checked ? 'lead' : 'comment');
          }}
        />
        This is a lead
      </label>
      {mentionable.length > 0 ? (
        <fieldset>
          <legend>Mention agencies (they are notified)</legend>
          {mentionable.map((agency) => (
            <label key={agency.id} className="check">
              <input
                type="checkbox"
                checked={mentions.has(agency.id)}
                onChange={(event) => {
                  const next = new Set(mentions);
                  if (event.target.checked) {
                    next.add(agency.id);
                  } else {
                    next.delete(agency.id);
                  }
                  setMentions(next);
                }}
              />
              @{agency.name} ({agency.country})
            </label>
          ))}
        </fieldset>
      ) : null}
      <button type="submit" className="primary">
        Post
      </button>
      {error ? <ErrorMessage error={error} title="The comment was not posted" /> : null}
    </form>
  );
}

import { useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

type Tip = Schemas['Tip'];
type Status = Tip['status'];
const STATUSES: readonly Status[] = ['new', 'useful', 'not_useful', 'spam', 'duplicate'];

/** The agency's tip inbox: what the public sent about its appeals, and the moderator's triage. */
export function TipInboxPage(): ReactNode {
  const [status, setStatus] = useState<Status>('new');
  const tips = useLoad(() => api.get('/api/v1/tips', { query: { status } }), [status]);
  return (
    <>
      <PageHeader title="Tip inbox" />
      <div role="group" aria-label="Tip status" className="page-actions">
        {STATUSES.map((each) => (
          <button
            key={each}
            type="button"
            aria-pressed={each === status}
            onClick={() => {
              setStatus(each);
            }}
          >
            {each.replace('_', ' ')}
          </button>
        ))}
      </div>
      <Loaded state={tips} what="the tips">
        {({ tips: list }) =>
          list.length === 0 ? (
            <Empty>No {status.replace('_', ' ')} tips.</Empty>
          ) : (
            <ul className="plain" aria-label="Tips">
              {list.map((tip) => (
                <TipCard key={tip.id} tip={tip} onChanged={tips.reload} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function TipCard({ tip, onChanged }: { tip: Tip; onChanged: () => void }): ReactNode {
  const [error, setError] = useState<unknown>();
  const [country, setCountry] = useState(tip.outcomeCountry ?? '');
  const act = async (work: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    try {
      await work();
      onChanged();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const path = { id: tip.id };
  const mark = (status: 'useful' | 'not_useful' | 'spam'): Promise<void> =>
    act(() => api.post('/api/v1/tips/{id}/status', { path, body: { status } }));
  const details = [
    tip.city || tip.country ? `Place: ${[tip.city, tip.country].filter(Boolean).join(', ')}` : '',
    tip.seenWhere ? `Seen where: ${tip.seenWhere}` : '',
    tip.seenWhen ? `Seen when: ${tip.seenWhen}` : '',
    tip.contact ? `Contact: ${tip.contact}` : 'Anonymous',
  ].filter(Boolean);
  return (
    <li className="card" aria-label={`Tip ${tip.body.slice(0, 40)}`}>
      <p className="muted small">
        {formatTime(tip.receivedAt)} · language {tip.language} · {tip.status.replace('_', ' ')}
        {tip.leadCommentId ? ' · lead on the series' : ''}
        {tip.outcome
          ? ` · ${tip.outcome.replace('_', ' ')}${tip.outcomeCountry ? ` (${tip.outcomeCountry})` : ''}`
          : ''}
      </p>
      <p className="pre-wrap" lang={tip.language}>
        {tip.body}
      </p>
      <p className="small">{details.join(' · ')}</p>
      {tip.sameAs && tip.status !== 'duplicate' ? (
        <p className="notice">
          The same words arrived earlier.{' '}
          <button
            type="button"
            onClick={() =>
              void act(() => api.post('/api/v1/tips/{id}/merge', { path, body: { into: tip.sameAs! } }))
            }
          >
            Merge into the earlier tip
          </button>
        </p>
      ) : null}
      <div className="page-actions">
        <button type="button" onClick={() => void mark('useful')}>
          Useful
        </button>
        <button type="button" onClick={() => void mark('not_useful')}>
          Not useful
        </button>
        <button type="button" onClick={() => void mark('spam')}>
          Spam
        </button>
        {tip.leadCommentId ? null : (
          <button
            type="button"
            onClick={() => void act(() => api.post('/api/v1/tips/{id}/lead', { path, body: { note: '' } }))}
          >
            Make it a lead on the series
          </button>
        )}
      </div>
      <div className="page-actions">
        <label>
          Country (code)
          <input
            value={country}
            maxLength={2}
            onChange={(event) => {
              setCountry(event.target.value.toUpperCase());
            }}
          />
        </label>
        <button
          type="button"
          onClick={() =>
            void act(() =>
              api.put('/api/v1/tips/{id}/outcome', {
                path,
                body: { outcome: 'country_narrowed', country: country === '' ? null : country },
              }),
            )
          }
        >
          Country narrowed
        </button>
        <button
          type="button"
          onClick={() =>
            void act(() =>
              api.put('/api/v1/tips/{id}/outcome', {
                path,
                body: { outcome: 'object_identified', country: null },
              }),
            )
          }
        >
          Object identified
        </button>
      </div>
      {error ? <ErrorMessage error={error} title="That did not work" /> : null}
    </li>
  );
}

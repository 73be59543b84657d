import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, apiUrl, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

type Appeal = Schemas['Appeal'];
type State = Appeal['state'];
const STATES: readonly State[] = ['proposed', 'live', 'rejected', 'unpublished'];

const titleOf = (appeal: Appeal): string => Object.values(appeal.texts)[0]?.title ?? appeal.type;

/**
 * The agency's public appeals: a second person reviews what a colleague proposed (never their own),
 * and anyone who proposes or reviews can take a live appeal down at once.
 */
export function AppealsPage(): ReactNode {
  const { session } = useSession();
  const [state, setState] = useState<State>('proposed');
  const appeals = useLoad(() => api.get('/api/v1/appeals', { query: { state } }), [state]);
  return (
    <>
      <PageHeader title="Public appeals">
        {can(session, 'appeal.propose') ? (
          <Link to="/appeals/propose-person">Propose a person appeal</Link>
        ) : null}
      </PageHeader>
      <p className="muted">
        Pictures here are the censored copies the public sees, never the originals. Nothing is public until a
        second person of your agency approves it.
      </p>
      <div role="group" aria-label="Appeal state" className="page-actions">
        {STATES.map((each) => (
          <button
            key={each}
            type="button"
            aria-pressed={each === state}
            onClick={() => {
              setState(each);
            }}
          >
            {each}
          </button>
        ))}
      </div>
      <Loaded state={appeals} what="the appeals">
        {({ appeals: list }) =>
          list.length === 0 ? (
            <Empty>No {state} appeals.</Empty>
          ) : (
            <ul className="plain" aria-label={`${state} appeals`}>
              {list.map((appeal) => (
                <AppealCard key={appeal.id} appeal={appeal} onChanged={appeals.reload} />
              ))}
            </ul>
          )
        }
      </Loaded>
    </>
  );
}

function AppealCard({ appeal, onChanged }: { appeal: Appeal; onChanged: () => void }): ReactNode {
  const { session } = useSession();
  const [shown, setShown] = useState(false);
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const mine = appeal.proposedBy === session.user.id;
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
  const review = (decision: 'approve' | 'reject'): Promise<void> =>
    act(() => api.post('/api/v1/appeals/{id}/review', { path: { id: appeal.id }, body: { decision, note } }));
  const title = titleOf(appeal);
  return (
    <li className="card" aria-label={`Appeal ${title}`}>
      <h2>{title}</h2>
      <p className="muted small">
        {appeal.type.replace('_', ' ')} · {appeal.state} · proposed by {appeal.proposedByName},{' '}
        {formatTime(appeal.proposedAt)}
        {appeal.reviewedByName ? ` · reviewed by ${appeal.reviewedByName}` : ''} · languages{' '}
        {Object.keys(appeal.texts).join(', ')}
        {appeal.state === 'live' ? ` · public id ${appeal.publicId}` : ''}
      </p>
      <figure>
        <img
          src={apiUrl('/api/v1/appeals/{id}/image', { id: appeal.id })}
          width={Math.min(appeal.image.width, 320)}
          alt={`Censored picture of the appeal ${title}`}
          style={shown ? undefined : { filter: 'blur(12px) grayscale(1)' }}
        />
        <button
          type="button"
          onClick={() => {
            setShown(!shown);
          }}
        >
          {shown ? 'Blur picture' : 'Show picture'}
        </button>
      </figure>
      {Object.entries(appeal.texts).map(([lang, text]) => (
        <div key={lang} lang={lang}>
          <p>{text.description}</p>
          {text.questions.length ? (
            <ul>
              {text.questions.map((question) => (
                <li key={question}>{question}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ))}
      {appeal.state === 'proposed' && can(session, 'appeal.review') && !mine ? (
        <div>
          <label>
            Review note
            <input
              value={note}
              onChange={(event) => {
                setNote(event.target.value);
              }}
            />
          </label>
          <button type="button" onClick={() => void review('approve')}>
            Approve and publish
          </button>
          <button type="button" onClick={() => void review('reject')}>
            Reject
          </button>
        </div>
      ) : null}
      {appeal.state === 'proposed' && mine ? (
        <p className="muted small">Waiting for a second person of your agency to review it.</p>
      ) : null}
      {appeal.state === 'live' && (can(session, 'appeal.propose') || can(session, 'appeal.review')) ? (
        <button
          type="button"
          onClick={() =>
            void act(() => api.post('/api/v1/appeals/{id}/unpublish', { path: { id: appeal.id } }))
          }
        >
          Unpublish now
        </button>
      ) : null}
      {appeal.state === 'live' || appeal.state === 'unpublished' ? (
        can(session, 'appeal.propose') || can(session, 'tip.moderate') ? (
          <OutcomeForm appeal={appeal} onSaved={onChanged} />
        ) : null
      ) : null}
      {error ? <ErrorMessage error={error} title="That did not work" /> : null}
    </li>
  );
}

/** What the appeal achieved, as investigators record it: these figures reach the public statistics. */
function OutcomeForm({ appeal, onSaved }: { appeal: Appeal; onSaved: () => void }): ReactNode {
  const [country, setCountry] = useState(appeal.outcome.countryFound ?? '');
  const [identified, setIdentified] = useState(appeal.outcome.objectIdentified);
  const [children, setChildren] = useState(String(appeal.outcome.childrenIdentified));
  const [error, setError] = useState<unknown>();
  const save = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.put('/api/v1/appeals/{id}/outcome', {
        path: { id: appeal.id },
        body: {
          countryFound: country.trim() === '' ? null : country.trim().toUpperCase(),
          objectIdentified: identified,
          childrenIdentified: Number(children) || 0,
        },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form onSubmit={(event) => void save(event)} aria-label={`Outcome of ${titleOf(appeal)}`}>
      <label>
        Country found (code)
        <input
          value={country}
          maxLength={2}
          onChange={(event) => {
            setCountry(event.target.value);
          }}
        />
      </label>
      <label>
        <input
          type="checkbox"
          checked={identified}
          onChange={(event) => {
            setIdentified(event.target.checked);
          }}
        />
        Object identified
      </label>
      <label>
        Children identified
        <input
          type="number"
          min={0}
          value={children}
          onChange={(event) => {
            setChildren(event.target.value);
          }}
        />
      </label>
      <button type="submit">Save outcome</button>
      {error ? <ErrorMessage error={error} title="The outcome was not saved" /> : null}
    </form>
  );
}

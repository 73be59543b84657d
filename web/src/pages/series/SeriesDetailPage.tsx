import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { SharingForm } from '../../components/SharingForm';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { Preview } from '../../wellbeing/Preview';
import { agencyName } from './agency-names';
import { ClueBoard } from './ClueBoard';
import { SeriesLocations } from './SeriesLocations';
import { SeriesComments } from './SeriesComments';
import { allowedMoves, statusLabel, type SeriesStatus } from './series-status';

export function SeriesDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const found = useLoad(() => api.get('/api/v1/series/{id}', { path: { id } }), [id]);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  const list = agencies.data?.agencies;
  return (
    <Loaded state={found} what="the series">
      {(series) => (
        <>
          <PageHeader title={`Series ${series.number}`}>
            {can(session, 'face.review') ? (
              <Link to={`/faces/suggestions?series=${series.id}&state=all`}>Face suggestions</Link>
            ) : null}
          </PageHeader>
          <div className="grid-2">
            <section className="card" aria-labelledby="series-facts">
              <h2 id="series-facts">About</h2>
              <dl className="facts">
                <dt>Title</dt>
                <dd>{series.title}</dd>
                <dt>Status</dt>
                <dd data-testid="series-status">{statusLabel(series.status)}</dd>
                <dt>Offender identified</dt>
                <dd>{series.offenderIdentified ? 'yes' : 'no'}</dd>
                <dt>Owner</dt>
                <dd>{series.own ? 'Your agency' : agencyName(list, series.agencyId)}</dd>
                <dt>Sharing</dt>
                <dd>
                  {series.sharing}
                  {series.sharedWith.length > 0
                    ? ` (${series.sharedWith.map((agency) => agencyName(list, agency)).join(', ')})`
                    : ''}
                </dd>
                <dt>Probable country</dt>
                <dd>
                  {series.probableCountry
                    ? `${series.probableCountry.country}${
                        series.probableCountry.confidence
                          ? `, ${series.probableCountry.confidence} confidence`
                          : ''
                      }`
                    : 'not known yet'}
                </dd>
                <dt>Victim identified</dt>
                <dd>
                  {series.victimIdentified
                    ? `by ${agencyName(list, series.victimIdentified.agencyId)} on ${formatTime(series.victimIdentified.at)}`
                    : 'no'}
                </dd>
                <dt>Created</dt>
                <dd>
                  {formatTime(series.createdAt)} by {series.createdBy}
                </dd>
              </dl>
            </section>
            {series.own && can(session, 'series.manage') ? (
              <SeriesWorkflowForm series={series} onSaved={found.reload} />
            ) : null}
          </div>
          {series.own && can(session, 'series.manage') ? (
            <SharingForm
              legend="Who may see this series, its comments and (within their own sharing) its media"
              ownerAgencyId={series.agencyId}
              sharing={series.sharing}
              sharedWith={series.sharedWith}
              agencies={list}
              save={(choice) =>
                api.put('/api/v1/series/{id}/sharing', { path: { id: series.id }, body: choice })
              }
              onSaved={found.reload}
            />
          ) : null}
          <section className="card" aria-labelledby="series-notes">
            <h2 id="series-notes">Notes</h2>
            {series.notes ? <p className="pre-wrap">{series.notes}</p> : <Empty>No notes.</Empty>}
          </section>
          <section className="card" aria-labelledby="series-media">
            <h2 id="series-media">Media ({series.mediaCount})</h2>
            <MediaGrid series={series} />
          </section>
          <ClueBoard series={series} />
          <SeriesLocations series={series} onChanged={found.reload} />
          <section className="card" aria-labelledby="series-people">
            <h2 id="series-people">Victims and offenders</h2>
            <PeopleList title="Victims" base="/victims" people={series.victims} />
            <PeopleList title="Offenders" base="/offenders" people={series.offenders} />
          </section>
          <SeriesComments series={series} agencies={list} />
          <HistoryTable history={series.history} agencies={list} />
        </>
      )}
    </Loaded>
  );
}

function MediaGrid({ series }: { series: Schemas['SeriesDetail'] }): ReactNode {
  const { session } = useSession();
  if (series.media.length === 0) {
    return <Empty>This series holds no media.</Empty>;
  }
  return (
    <ul className="media-grid" aria-label="Media of the series">
      {series.media.map((medium) => (
        <li key={medium.mediaId} className="tile">
          {medium.viewable && medium.kind === 'image' && can(session, 'media.preview') ? (
            <Preview
              mediaId={medium.mediaId}
              label={`${medium.kind} ${medium.sha256.slice(0, 12)}`}
              canReveal={can(session, 'media.preview.clear')}
            />
          ) : (
            <div className="preview-missing">{medium.viewable ? medium.kind : 'not shared with you'}</div>
          )}
          <div className="tile-text">
            <Link
              to={`/media/${medium.mediaId}`}
              aria-label={`Details of ${medium.kind} ${medium.sha256.slice(0, 12)}`}
            >
              <code className="small">{medium.sha256.slice(0, 16)}…</code>
            </Link>
            <span className="muted small"> added {formatTime(medium.addedAt)}</span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function PeopleList({
  title,
  base,
  people,
}: {
  title: string;
  base: string;
  people: readonly { id: string; code: string; identified: boolean }[];
}): ReactNode {
  return (
    <>
      <h3>{title}</h3>
      {people.length === 0 ? (
        <p className="muted">None linked.</p>
      ) : (
        <ul aria-label={title}>
          {people.map((person) => (
            <li key={person.id}>
              <Link to={`${base}/${person.id}`}>{person.code}</Link> ·{' '}
              {person.identified ? 'identified' : 'not identified'}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function HistoryTable({
  history,
  agencies,
}: {
  history: readonly Schemas['SeriesEvent'][];
  agencies: Readonly<Schemas['Agency'][]> | undefined;
}): ReactNode {
  return (
    <section className="card" aria-labelledby="series-history">
      <h2 id="series-history">History</h2>
      {history.length === 0 ? (
        <Empty>No history yet.</Empty>
      ) : (
        <table aria-label="History of the series">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {history.map((event, index) => (
              <tr key={`${event.at}-${index}`}>
                <td>{formatTime(event.at)}</td>
                <td>{event.kind.replace(/_/g, ' ')}</td>
                <td>
                  {event.actor}
                  {event.agencyId ? ` (${agencyName(agencies, event.agencyId)})` : ''}
                </td>
                <td className="small">
                  <EventDetails details={event.details} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An event's details in words. Internal identifiers (an ingest, a sprint, media) are never shown:
 * a series made from a triage links to that triage instead, which only its agency can open.
 */
function EventDetails({ details }: { details: Readonly<Record<string, unknown>> }): ReactNode {
  const words = Object.entries(details)
    .filter(([key, value]) => !/Ids?$/.test(key) && !(typeof value === 'string' && UUID.test(value)))
    .filter(
      ([, value]) => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean',
    )
    .map(([key, value]) => `${key}: ${String(value)}`)
    .join(', ');
  const ingestId = typeof details.ingestId === 'string' ? details.ingestId : null;
  return (
    <>
      {words}
      {ingestId ? (
        <>
          {words ? ', ' : ''}
          <Link to={`/ingests/${ingestId}`}>from a triage</Link>
        </>
      ) : null}
    </>
  );
}

function SeriesWorkflowForm({
  series,
  onSaved,
}: {
  series: Schemas['SeriesDetail'];
  onSaved: () => void;
}): ReactNode {
  const moves = allowedMoves(series.status);
  const [target, setTarget] = useState<SeriesStatus | ''>(moves.forward[0] ?? '');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>();
  const stepBack = target !== '' && target === moves.back;
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    if (target === '') {
      return;
    }
    setError(undefined);
    try {
      await api.post('/api/v1/series/{id}/status', {
        path: { id: series.id },
        body: note.trim() ? { status: target, note: note.trim() } : { status: target },
      });
      setNote('');
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const toggleOffender = async (): Promise<void> => {
    setError(undefined);
    try {
      await api.patch('/api/v1/series/{id}', {
        path: { id: series.id },
        body: { offenderIdentified: !series.offenderIdentified },
      });
      onSaved();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="workflow-title">
      <h2 id="workflow-title">Workflow</h2>
      <label>
        Move to status
        <select
          value={target}
          onChange={(event) => {
            setTarget(event.target.value as SeriesStatus | '');
          }}
        >
          {moves.forward.map((value) => (
            <option key={value} value={value}>
              {statusLabel(value)}
            </option>
          ))}
          {moves.back ? <option value={moves.back}>back to {statusLabel(moves.back)}</option> : null}
        </select>
      </label>
      <label>
        {stepBack ? 'Why it goes back (required)' : 'Note (optional)'}
        <input
          required={stepBack}
          maxLength={2000}
          value={note}
          onChange={(event) => {
            setNote(event.target.value);
          }}
        />
      </label>
      <div className="row">
        <button type="submit" className="primary" disabled={target === ''}>
          Change status
        </button>
        <button type="button" onClick={() => void toggleOffender()}>
          {series.offenderIdentified ? 'Mark offender not identified' : 'Mark offender identified'}
        </button>
      </div>
      {error ? <ErrorMessage error={error} title="The series was not changed" /> : null}
    </form>
  );
}

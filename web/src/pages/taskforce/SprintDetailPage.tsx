import { useState, type ReactNode } from 'react';
import { api, apiUrl, type Schemas } from '../../api/client';
import { Link } from '../../app/router';
import { useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, Loaded, Loading, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';
import { agencyName } from '../series/agency-names';
import { statusLabel } from '../series/series-status';
import { AssignSeriesForm } from './AssignSeriesForm';
import { OutcomeForm } from './OutcomeForm';
import { SprintReport } from './SprintReport';
import { outcomeLabel } from './sprint-outcomes';

/** One sprint: its assignments, the user's evaluations to record, the report and the packages. */
export function SprintDetailPage({ id }: { id: string }): ReactNode {
  const { session } = useSession();
  const [version, setVersion] = useState(0);
  const sprint = useLoad(() => api.get('/api/v1/sprints/{id}', { path: { id } }), [id, version]);
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  const list = agencies.data?.agencies;
  const changed = (): void => {
    setVersion((value) => value + 1);
  };
  if (!list && agencies.error === undefined) {
    // Names, not identifiers: the page waits for the agency list (ids show only if it fails).
    return <Loading what="the sprint" />;
  }
  return (
    <Loaded state={sprint} what="the sprint">
      {(detail) => {
        const mine = detail.assignments.filter(
          (assignment) =>
            assignment.assignedAgencyId === session.user.agency.id && !assignment.disseminatedAt,
        );
        return (
          <>
            <PageHeader title={`Sprint ${detail.name}`}>
              <a
                className="button"
                href={apiUrl('/api/v1/sprints/{id}/report', { id })}
                download={`sprint-report-${detail.startsOn}.json`}
              >
                Download sprint report
              </a>
            </PageHeader>
            <section className="card" aria-labelledby="sprint-facts">
              <h2 id="sprint-facts">About</h2>
              <dl className="facts">
                <dt>Dates</dt>
                <dd>
                  {detail.startsOn} to {detail.endsOn}
                </dd>
                <dt>Coordinated by</dt>
                <dd>{detail.coordinating ? 'Your agency' : agencyName(list, detail.agencyId)}</dd>
                <dt>Agencies taking part</dt>
                <dd data-testid="sprint-agencies">
                  {detail.agencies.map((agency) => agencyName(list, agency)).join(', ')}
                </dd>
              </dl>
            </section>
            {detail.coordinating ? (
              <AssignSeriesForm sprint={detail} agencies={list} onAssigned={changed} />
            ) : null}
            <section className="card" aria-labelledby="sprint-assignments">
              <h2 id="sprint-assignments">Series in the sprint</h2>
              <AssignmentTable assignments={detail.assignments} agencies={list} />
            </section>
            {mine.length > 0 ? (
              <section className="card" aria-labelledby="sprint-mine">
                <h2 id="sprint-mine">Your agency&apos;s evaluations</h2>
                {mine.map((assignment) => (
                  <OutcomeForm
                    key={assignment.seriesId}
                    sprintId={id}
                    assignment={assignment}
                    onSaved={changed}
                  />
                ))}
              </section>
            ) : null}
            <SprintReport sprint={detail} version={version} agencies={list} onDisseminated={changed} />
          </>
        );
      }}
    </Loaded>
  );
}

function AssignmentTable({
  assignments,
  agencies,
}: {
  assignments: readonly Schemas['SprintAssignment'][];
  agencies: readonly Schemas['Agency'][] | undefined;
}): ReactNode {
  if (assignments.length === 0) {
    return <Empty>No series assigned yet.</Empty>;
  }
  return (
    <table aria-label="Series in the sprint">
      <thead>
        <tr>
          <th scope="col">Series</th>
          <th scope="col">Status</th>
          <th scope="col">Assigned to</th>
          <th scope="col">Outcome</th>
          <th scope="col">Probable country</th>
          <th scope="col">Notes</th>
          <th scope="col">Evaluated</th>
          <th scope="col">Disseminated</th>
        </tr>
      </thead>
      <tbody>
        {assignments.map((assignment) => (
          <tr key={assignment.seriesId}>
            <td>
              {assignment.series ? (
                <>
                  <Link to={`/series/${assignment.seriesId}`}>{assignment.series.number}</Link>{' '}
                  <span className="muted small">{assignment.series.title}</span>
                </>
              ) : (
                <span className="muted">no longer shared with your agency</span>
              )}
            </td>
            <td>{assignment.series ? statusLabel(assignment.series.status) : '–'}</td>
            <td>{agencyName(agencies, assignment.assignedAgencyId)}</td>
            <td data-testid="assignment-outcome">{outcomeLabel(assignment.outcome)}</td>
            <td>{assignment.probableCountry ?? '–'}</td>
            <td className="pre-wrap">{assignment.note || '–'}</td>
            <td>
              {assignment.evaluatedAt
                ? `${formatTime(assignment.evaluatedAt)} by ${assignment.evaluatedBy ?? '?'}`
                : '–'}
            </td>
            <td>{formatTime(assignment.disseminatedAt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

interface Filter {
  readonly action?: string;
  readonly actor?: string;
  readonly before?: number;
}

/** The hash-chained audit log, newest first, with filters, paging and (central) chain verification. */
export function AuditPage(): ReactNode {
  const { session } = useSession();
  const [filter, setFilter] = useState<Filter>({});
  const [action, setAction] = useState('');
  const [actor, setActor] = useState('');
  const page = useLoad(
    () => api.get('/api/v1/audit', { query: { ...filter, limit: 50 } }),
    [filter.action, filter.actor, filter.before],
  );
  const central = session.user.roles.includes('central_admin');
  const submit = (event: SyntheticEvent): void => {
    event.preventDefault();
    setFilter({
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(actor.trim() ? { actor: actor.trim() } : {}),
    });
  };
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="card form-row" onSubmit={submit} aria-label="Filter the audit log">
        <label>
          Action (or prefix, e.g. media)
          <input
            value={action}
            onChange={(event) => {
              setAction(event.target.value);
            }}
          />
        </label>
        <label>
          Actor (name or id)
          <input
            value={actor}
            onChange={(event) => {
              setActor(event.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary">
          Filter
        </button>
      </form>
      {central ? <VerifyChain /> : null}
      <section className="card" aria-labelledby="audit-rows-title">
        <h2 id="audit-rows-title">Entries</h2>
        <Loaded state={page} what="the audit log">
          {({ entries, nextBefore }) =>
            entries.length === 0 ? (
              <Empty>No audit entries match.</Empty>
            ) : (
              <>
                <table className="audit">
                  <thead>
                    <tr>
                      <th scope="col">#</th>
                      <th scope="col">When</th>
                      <th scope="col">Who</th>
                      <th scope="col">Action</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Object</th>
                      <th scope="col">Details</th>
                    </tr>
                  </thead>
                  <tbody>
                    {entries.map((entry: Schemas['AuditEntry']) => (
                      <tr key={entry.seq}>
                        <td>{entry.seq}</td>
                        <td>{formatTime(entry.at)}</td>
                        <td>{entry.actorName ?? entry.actorKind}</td>
                        <td>{entry.action}</td>
                        <td className={entry.outcome === 'ok' ? '' : 'error-text'}>{entry.outcome}</td>
                        <td>{entry.objectType ? `${entry.objectType} ${entry.objectId ?? ''}` : '–'}</td>
                        <td>
                          <code className="small">{JSON.stringify(entry.details)}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div className="row">
                  {filter.before !== undefined ? (
                    <button
                      type="button"
                      onClick={() => {
                        setFilter({ ...filter, before: undefined });
                      }}
                    >
                      Newest
                    </button>
                  ) : null}
                  {nextBefore !== null ? (
                    <button
                      type="button"
                      onClick={() => {
                        setFilter({ ...filter, before: nextBefore });
                      }}
                    >
                      Older entries
                    </button>
                  ) : null}
                </div>
              </>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function VerifyChain(): ReactNode {
  const [result, setResult] = useState<Schemas['AuditVerify']>();
  const [error, setError] = useState<unknown>();
  const verify = async (): Promise<void> => {
    setError(undefined);
    try {
      setResult(await api.get('/api/v1/audit/verify'));
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <section className="card" aria-labelledby="verify-title">
      <h2 id="verify-title">Chain</h2>
      <button type="button" onClick={() => void verify()}>
        Verify the whole chain
      </button>
      {result ? (
        <p role="status" className={result.ok ? 'ok' : 'error-text'}>
          {result.ok
            ? `Intact: ${result.rowsChecked} rows checked, head ${result.headSeq}.`
            : `Broken at row ${result.firstProblem?.seq ?? '?'}: ${result.firstProblem?.detail ?? ''}`}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="Not verified" /> : null}
    </section>
  );
}

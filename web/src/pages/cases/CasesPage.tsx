import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { Link, navigate } from '../../app/router';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

export function CasesPage(): ReactNode {
  const { session } = useSession();
  const cases = useLoad(() => api.get('/api/v1/cases'), []);
  return (
    <>
      <PageHeader title="Cases" />
      {can(session, 'case.create') ? <NewCaseForm /> : null}
      <section className="card" aria-labelledby="case-list-title">
        <h2 id="case-list-title">Visible to you</h2>
        <Loaded state={cases} what="cases">
          {({ cases: list }) =>
            list.length === 0 ? (
              <Empty>No cases yet. Open one above, or ask another agency to share theirs.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Reference</th>
                    <th scope="col">Title</th>
                    <th scope="col">Owner</th>
                    <th scope="col">Sharing</th>
                    <th scope="col">Opened</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((item) => (
                    <tr key={item.id}>
                      <td>
                        <Link to={`/cases/${item.id}`}>{item.reference}</Link>
                      </td>
                      <td>{item.title ?? <span className="muted">–</span>}</td>
                      <td>{item.own ? 'Your agency' : 'Shared with you'}</td>
                      <td>{item.sharing}</td>
                      <td>{formatTime(item.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </Loaded>
      </section>
    </>
  );
}

function NewCaseForm(): ReactNode {
  const [reference, setReference] = useState('');
  const [title, setTitle] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const created = await api.post('/api/v1/cases', {
        body: title.trim()
          ? { reference: reference.trim(), title: title.trim() }
          : { reference: reference.trim() },
      });
      navigate(`/cases/${created.id}`);
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card form-row" onSubmit={(event) => void submit(event)} aria-labelledby="new-case-title">
      <h2 id="new-case-title">Open a case</h2>
      <label>
        Reference
        <input
          required
          maxLength={128}
          value={reference}
          onChange={(event) => {
            setReference(event.target.value);
          }}
        />
      </label>
      <label>
        Title (neutral, optional)
        <input
          maxLength={200}
          value={title}
          onChange={(event) => {
            setTitle(event.target.value);
          }}
        />
      </label>
      <button type="submit" className="primary">
        Open case
      </button>
      {error ? <ErrorMessage error={error} title="The case was not opened" /> : null}
    </form>
  );
}

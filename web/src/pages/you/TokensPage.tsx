import { useState, type ReactNode, type SyntheticEvent } from 'react';
import { api, type Schemas } from '../../api/client';
import type { Permission } from '../../app/page-registry';
import { useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

/** Your API tokens for automation: scoped to permissions you hold, expiring, revocable, shown once. */
export function TokensPage(): ReactNode {
  const { session } = useSession();
  const tokens = useLoad(() => api.get('/api/v1/tokens'), []);
  const [name, setName] = useState('');
  const [days, setDays] = useState(30);
  const [scopes, setScopes] = useState<ReadonlySet<Permission>>(new Set());
  const [created, setCreated] = useState<Schemas['ApiTokenCreated']>();
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      setCreated(
        await api.post('/api/v1/tokens', { body: { name, scopes: [...scopes], expiresInDays: days } }),
      );
      setName('');
      setScopes(new Set());
      tokens.reload();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  const revoke = async (id: string): Promise<void> => {
    setError(undefined);
    try {
      await api.delete('/api/v1/tokens/{id}', { path: { id } });
      tokens.reload();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="API tokens" />
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-token-title">
        <h2 id="new-token-title">Create a token</h2>
        <div className="form-row">
          <label>
            Name
            <input
              required
              maxLength={100}
              value={name}
              onChange={(event) => {
                setName(event.target.value);
              }}
            />
          </label>
          <label>
            Valid for (days)
            <input
              type="number"
              min={1}
              required
              value={days}
              onChange={(event) => {
                setDays(Number(event.target.value));
              }}
            />
          </label>
        </div>
        <fieldset>
          <legend>Scopes (only permissions you hold)</legend>
          {session.user.permissions.map((permission) => (
            <label key={permission} className="check inline">
              <input
                type="checkbox"
                checked={scopes.has(permission)}
                onChange={(event) => {
                  const next = new Set(scopes);
                  if (event.target.checked) {
                    next.add(permission);
                  } else {
                    next.delete(permission);
                  }
                  setScopes(next);
                }}
              />
              {permission}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="primary" disabled={scopes.size === 0}>
          Create token
        </button>
        {created ? (
          <div className="notice" role="status">
            <p>Copy the secret now: it is shown only this once.</p>
            <code className="secret">{created.token}</code>
          </div>
        ) : null}
        {error ? <ErrorMessage error={error} title="Not done" /> : null}
      </form>
      <section className="card" aria-labelledby="token-list-title">
        <h2 id="token-list-title">Your tokens</h2>
        <Loaded state={tokens} what="your tokens">
          {({ tokens: list }) =>
            list.length === 0 ? (
              <Empty>You have no API tokens.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Expires</th>
                    <th scope="col">Last used</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((token) => (
                    <tr key={token.id}>
                      <td>{token.name}</td>
                      <td>{token.scopes.join(', ')}</td>
                      <td>{formatTime(token.expiresAt)}</td>
                      <td>{formatTime(token.lastUsedAt)}</td>
                      <td>
                        {token.revokedAt ? (
                          `revoked ${formatTime(token.revokedAt)}`
                        ) : (
                          <button type="button" onClick={() => void revoke(token.id)}>
                            Revoke
                          </button>
                        )}
                      </td>
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

import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { can, useSession } from '../../app/session';
import { formatTime } from '../../components/format';
import { Empty, ErrorMessage, Loaded, PageHeader } from '../../components/states';
import { useLoad } from '../../components/use-load';

type Role = Schemas['User']['roles'][number];
const ROLES: readonly Role[] = [
  'investigator',
  'reviewer',
  'agency_admin',
  'central_admin',
  'taskforce_coordinator',
  'tip_moderator',
];

export function UsersPage(): ReactNode {
  const { session } = useSession();
  const users = useLoad(() => api.get('/api/v1/users'), []);
  const [notice, setNotice] = useState<string>();
  const [error, setError] = useState<unknown>();
  const act = async (what: string, action: () => Promise<unknown>): Promise<void> => {
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(what);
      users.reload();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="Users" />
      {can(session, 'user.manage') ? <NewUserForm onCreated={users.reload} /> : null}
      {notice ? (
        <p role="status" className="ok">
          {notice}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="Not changed" /> : null}
      <section className="card" aria-labelledby="user-list-title">
        <h2 id="user-list-title">Accounts you administer</h2>
        <Loaded state={users} what="users">
          {({ users: list }) =>
            list.length === 0 ? (
              <Empty>No users.</Empty>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">User</th>
                    <th scope="col">Agency</th>
                    <th scope="col">Roles</th>
                    <th scope="col">State</th>
                    <th scope="col">Actions</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((user) => (
                    <tr key={user.id}>
                      <td>
                        {user.displayName} <span className="muted">({user.username})</span>
                      </td>
                      <td>{user.agency.name}</td>
                      <td>{user.roles.join(', ')}</td>
                      <td>
                        {user.disabled ? 'disabled' : 'active'}
                        {user.mfaEnabled ? ', MFA on' : ', MFA not enrolled'}
                        {user.lockedUntil ? `, locked until ${formatTime(user.lockedUntil)}` : ''}
                      </td>
                      <td>
                        {can(session, 'user.manage') && user.id !== session.user.id ? (
                          <div className="row">
                            <button
                              type="button"
                              onClick={() =>
                                void act(`${user.username} ${user.disabled ? 'enabled' : 'disabled'}.`, () =>
                                  api.patch('/api/v1/users/{id}', {
                                    path: { id: user.id },
                                    body: { disabled: !user.disabled },
                                  }),
                                )
                              }
                            >
                              {user.disabled ? 'Enable' : 'Disable'}
                            </button>
                            <button
                              type="button"
                              onClick={() =>
                                void act(
                                  `${user.username} enrols an authenticator again at the next sign-in.`,
                                  () => api.post('/api/v1/users/{id}/mfa-reset', { path: { id: user.id } }),
                                )
                              }
                            >
                              Reset MFA
                            </button>
                          </div>
                        ) : null}
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

function NewUserForm({ onCreated }: { onCreated: () => void }): ReactNode {
  const { session } = useSession();
  const agencies = useLoad(() => api.get('/api/v1/agencies'), []);
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [agencyId, setAgencyId] = useState(session.user.agency.id);
  const [roles, setRoles] = useState<ReadonlySet<Role>>(new Set(['investigator']));
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [created, setCreated] = useState<string>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    setCreated(undefined);
    try {
      const user = await api.post('/api/v1/users', {
        body: { username, displayName, agencyId, roles: [...roles], password },
      });
      setCreated(`${user.username} created. They enrol an authenticator at their first sign-in.`);
      setUsername('');
      setDisplayName('');
      setPassword('');
      onCreated();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-user-title">
      <h2 id="new-user-title">Create a user</h2>
      <div className="form-row">
        <label>
          Username
          <input
            required
            value={username}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
          />
        </label>
        <label>
          Display name
          <input
            required
            value={displayName}
            onChange={(event) => {
              setDisplayName(event.target.value);
            }}
          />
        </label>
        <label>
          Agency
          <select
            value={agencyId}
            onChange={(event) => {
              setAgencyId(event.target.value);
            }}
          >
            {(agencies.data?.agencies ?? [session.user.agency]).map((agency) => (
              <option key={agency.id} value={agency.id}>
                {agency.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Initial password
          <input
            required
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </label>
      </div>
      <fieldset>
        <legend>Roles</legend>
        {ROLES.map((role) => (
          <label key={role} className="check inline">
            <input
              type="checkbox"
              checked={roles.has(role)}
              onChange={(event) => {
                const next = new Set(roles);
                if (event.target.checked) {
                  next.add(role);
                } else {
                  next.delete(role);
                }
                setRoles(next);
              }}
            />
            {role.replace(/_/g, ' ')}
          </label>
        ))}
      </fieldset>
      <button type="submit" className="primary">
        Create user
      </button>
      {created ? (
        <p role="status" className="ok">
          {created}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} title="The user was not created" /> : null}
    </form>
  );
}

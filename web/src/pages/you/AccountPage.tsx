import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { useSession } from '../../app/session';
import { ErrorMessage, PageHeader } from '../../components/states';

export function AccountPage(): ReactNode {
  const { session, signOut } = useSession();
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [error, setError] = useState<unknown>();
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post('/api/v1/auth/password', { body: { currentPassword, newPassword } });
      await signOut();
    } catch (failure) {
      api.noteFailure(failure);
      setError(failure);
    }
  };
  return (
    <>
      <PageHeader title="Your account" />
      <section className="card" aria-labelledby="who-title">
        <h2 id="who-title">{session.user.displayName}</h2>
        <dl className="facts">
          <dt>Username</dt>
          <dd>{session.user.username}</dd>
          <dt>Agency</dt>
          <dd>
            {session.user.agency.name} ({session.user.agency.country})
          </dd>
          <dt>Roles</dt>
          <dd>{session.user.roles.join(', ')}</dd>
        </dl>
      </section>
      <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <p className="muted">Your other sessions end; you sign in again with the new password.</p>
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={currentPassword}
            onChange={(event) => {
              setCurrent(event.target.value);
            }}
          />
        </label>
        <label>
          New password
          <input
            type="password"
            autoComplete="new-password"
            required
            value={newPassword}
            onChange={(event) => {
              setNew(event.target.value);
            }}
          />
        </label>
        <button type="submit" className="primary">
          Change password
        </button>
        {error ? <ErrorMessage error={error} title="Password not changed" /> : null}
      </form>
    </>
  );
}

import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import type { Session } from '../../app/session';

/** Username and password; the server answers with the next stage (second factor or enrolment). */
export function LoginPage({
  onSession,
  notice,
}: {
  onSession: (session: Session) => void;
  notice?: string;
}): ReactNode {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.post('/api/v1/auth/login', { body: { username, password } });
      api.setCsrfToken(session.csrfToken);
      onSession(session);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={(event) => void submit(event)} aria-labelledby="login-title">
        <h1 id="login-title">Sign in to Haven</h1>
        {notice ? (
          <p className="notice" role="status">
            {notice}
          </p>
        ) : null}
        <label>
          Username
          <input
            name="username"
            autoComplete="username"
            autoFocus
            required
            value={username}
            onChange={(event) => {
              setUsername(event.target.value);
            }}
          />
        </label>
        <label>
          Password
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => {
              setPassword(event.target.value);
            }}
          />
        </label>
        {error ? <ErrorMessage error={error} title="Sign-in failed" /> : null}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

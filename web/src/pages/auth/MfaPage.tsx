import { useState, type SyntheticEvent, type ReactNode } from 'react';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/states';
import type { Session } from '../../app/session';

/** The second factor at sign-in: a code from the authenticator app, or one recovery code. */
export function MfaPage({
  onSession,
  onCancel,
}: {
  onSession: (session: Session) => void;
  onCancel: () => void;
}): ReactNode {
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = useRecovery ? { recoveryCode: code.trim() } : { code: code.replace(/\s/g, '') };
      const session = await api.post('/api/v1/auth/mfa', { body });
      api.setCsrfToken(session.csrfToken);
      onSession(session);
    } catch (failure) {
      setError(failure);
      setBusy(false);
    }
  };
  return (
    <main className="auth-page">
      <form className="card auth-card" onSubmit={(event) => void submit(event)} aria-labelledby="mfa-title">
        <h1 id="mfa-title">Second factor</h1>
        <p>
          {useRecovery
            ? 'Enter one of your recovery codes. Each code works once.'
            : 'Enter the six-digit code your authenticator app shows for Haven.'}
        </p>
        <label>
          {useRecovery ? 'Recovery code' : 'Authentication code'}
          <input
            name="code"
            autoFocus
            required
            autoComplete="one-time-code"
            inputMode={useRecovery ? 'text' : 'numeric'}
            pattern={useRecovery ? undefined : '\\s*\\d{3}\\s*\\d{3}\\s*'}
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
            }}
          />
        </label>
        {error ? <ErrorMessage error={error} title="Not accepted" /> : null}
        <button type="submit" className="primary" disabled={busy}>
          Verify
        </button>
        <div className="row">
          <button
            type="button"
            className="link"
            onClick={() => {
              setUseRecovery(!useRecovery);
              setCode('');
            }}
          >
            {useRecovery ? 'Use the authenticator app' : 'Use a recovery code'}
          </button>
          <button type="button" className="link" onClick={onCancel}>
            Sign out
          </button>
        </div>
      </form>
    </main>
  );
}

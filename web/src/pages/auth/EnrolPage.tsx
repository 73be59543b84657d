import { useEffect, useRef, useState, type SyntheticEvent, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client';
import { ErrorMessage, Loading } from '../../components/states';
import type { Session } from '../../app/session';
import { QrCode } from './QrCode';

/**
 * First sign-in: enrol an authenticator app (QR code or the secret typed in), confirm it with a
 * code, then keep the ten recovery codes, which are shown only this once.
 */
export function EnrolPage({
  onSession,
  onCancel,
}: {
  onSession: (session: Session) => void;
  onCancel: () => void;
}): ReactNode {
  const [enrolment, setEnrolment] = useState<Schemas['MfaEnrolment']>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>();
  const [confirmed, setConfirmed] = useState<Schemas['MfaEnrolmentConfirmed']>();
  const [stored, setStored] = useState(false);

  // Each start replaces the server's pending secret, so the page starts exactly one enrolment and
  // shows that one's secret. An effect may run twice for one page (React's StrictMode does so in
  // development builds, and the e2e tests once built the app in development mode): two starts
  // racing each other left the page showing one secret while the server kept the other, and a
  // correct code was refused. The request is kept on the page instance and shared.
  const started = useRef<Promise<Schemas['MfaEnrolment']> | null>(null);
  useEffect(() => {
    let current = true;
    started.current ??= api.post('/api/v1/auth/mfa/enrolment', { body: {} });
    started.current.then(
      (value) => {
        if (current) {
          setEnrolment(value);
        }
      },
      (failure: unknown) => {
        if (current) {
          setError(failure);
        }
      },
    );
    return () => {
      current = false;
    };
  }, []);

  const confirm = async (event: SyntheticEvent): Promise<void> => {
    event.preventDefault();
    setError(undefined);
    try {
      const result = await api.post('/api/v1/auth/mfa/enrolment/confirm', {
        body: { code: code.replace(/\s/g, '') },
      });
      api.setCsrfToken(result.csrfToken);
      setConfirmed(result);
    } catch (failure) {
      setError(failure);
    }
  };

  if (confirmed) {
    return (
      <main className="auth-page">
        <section className="card auth-card wide" aria-labelledby="codes-title">
          <h1 id="codes-title">Your recovery codes</h1>
          <p>
            Each code signs you in once if you lose the authenticator. Store them somewhere safe now: they are
            not shown again.
          </p>
          <ol className="recovery-codes" aria-label="Recovery codes">
            {confirmed.recoveryCodes.map((recovery) => (
              <li key={recovery}>
                <code>{recovery}</code>
              </li>
            ))}
          </ol>
          <label className="check">
            <input
              type="checkbox"
              checked={stored}
              onChange={(event) => {
                setStored(event.target.checked);
              }}
            />
            I have stored my recovery codes
          </label>
          <button
            type="button"
            className="primary"
            disabled={!stored}
            onClick={() => {
              onSession({ stage: confirmed.stage, csrfToken: confirmed.csrfToken, user: confirmed.user });
            }}
          >
            Continue to Haven
          </button>
        </section>
      </main>
    );
  }

  return (
    <main className="auth-page">
      <form
        className="card auth-card wide"
        onSubmit={(event) => void confirm(event)}
        aria-labelledby="enrol-title"
      >
        <h1 id="enrol-title">Set up your authenticator</h1>
        <p>
          Haven needs a second factor for everyone who can see material or manage accounts. Scan the code with
          an authenticator app (TOTP), or type the secret in, then enter the code it shows.
        </p>
        {enrolment ? (
          <div className="enrol">
            <QrCode value={enrolment.otpauthUri} label="QR code of the authenticator secret" />
            <div>
              <p className="muted small">Secret (type it in if you cannot scan)</p>
              <code className="secret" data-testid="totp-secret">
                {enrolment.secret}
              </code>
            </div>
          </div>
        ) : error ? null : (
          <Loading what="the enrolment" />
        )}
        <label>
          Code from the app
          <input
            name="code"
            required
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="\s*\d{3}\s*\d{3}\s*"
            value={code}
            onChange={(event) => {
              setCode(event.target.value);
            }}
          />
        </label>
        {error ? <ErrorMessage error={error} title="Not confirmed" /> : null}
        <button type="submit" className="primary" disabled={!enrolment}>
          Confirm
        </button>
        <button type="button" className="link" onClick={onCancel}>
          Sign out
        </button>
      </form>
    </main>
  );
}

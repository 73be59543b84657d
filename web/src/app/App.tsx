import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError } from '../api/client';
import { ErrorMessage, Loading } from '../components/states';
import { EnrolPage } from '../pages/auth/EnrolPage';
import { LoginPage } from '../pages/auth/LoginPage';
import { MfaPage } from '../pages/auth/MfaPage';
import { WellbeingProvider } from '../wellbeing/WellbeingProvider';
import { SessionContext, type Session } from './session';
import { Shell } from './Shell';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; notice?: string }
  | { kind: 'failed'; error: unknown }
  | { kind: 'session'; session: Session };

/** Finds the session, then shows sign-in, the second factor, enrolment or the app. */
export function App(): ReactNode {
  const [state, setState] = useState<State>({ kind: 'loading' });

  const load = useCallback(() => {
    api.get('/api/v1/auth/session').then(
      (session) => {
        api.setCsrfToken(session.csrfToken);
        setState({ kind: 'session', session });
      },
      (error: unknown) => {
        if (error instanceof ApiError && (error.signedOut || error.status === 401)) {
          setState({ kind: 'signed-out' });
        } else {
          setState({ kind: 'failed', error });
        }
      },
    );
  }, []);

  useEffect(load, [load]);
  useEffect(
    () =>
      api.onSignedOut(() => {
        api.setCsrfToken(null);
        setState({ kind: 'signed-out', notice: 'Your session has ended. Sign in again.' });
      }),
    [],
  );

  const setSession = useCallback((session: Session | null) => {
    api.setCsrfToken(session?.csrfToken ?? null);
    setState(session ? { kind: 'session', session } : { kind: 'signed-out' });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await api.post('/api/v1/auth/logout');
    } catch {
      // Signed out either way: the session is forgotten here.
    }
    api.setCsrfToken(null);
    setState({ kind: 'signed-out' });
  }, []);

  switch (state.kind) {
    case 'loading':
      return (
        <main className="auth-page">
          <Loading what="Haven" />
        </main>
      );
    case 'failed':
      return (
        <main className="auth-page">
          <ErrorMessage error={state.error} title="Haven cannot be reached" />
          <button type="button" onClick={load}>
            Try again
          </button>
        </main>
      );
    case 'signed-out':
      return <LoginPage onSession={setSession} notice={state.notice} />;
    case 'session': {
      const { session } = state;
      if (session.stage === 'mfa_required') {
        return <MfaPage onSession={setSession} onCancel={() => void signOut()} />;
      }
      if (session.stage === 'mfa_enrolment') {
        return <EnrolPage onSession={setSession} onCancel={() => void signOut()} />;
      }
      return (
        <SessionContext.Provider value={{ session, setSession, signOut }}>
          <WellbeingProvider>
            <Shell />
          </WellbeingProvider>
        </SessionContext.Provider>
      );
    }
  }
}

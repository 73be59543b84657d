import type { ReactNode } from 'react';
import { ApiError } from '../api/client';

/** What went wrong, in words, with the request id to quote to an administrator. */
export function ErrorMessage({
  error,
  title = 'Something went wrong',
}: {
  error: unknown;
  title?: string;
}): ReactNode {
  const message = error instanceof Error ? error.message : String(error);
  const requestId = error instanceof ApiError ? error.requestId : null;
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      <strong>{title}</strong>
      <p>{message}</p>
      {code || requestId ? (
        <p className="muted small">
          {code ? <>Code {code}. </> : null}
          {requestId ? <>Request {requestId}.</> : null}
        </p>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }): ReactNode {
  return (
    <p className="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }): ReactNode {
  return (
    <div className="notice notice-empty" role="status">
      {children}
    </div>
  );
}

export function PageHeader({ title, children }: { title: string; children?: ReactNode }): ReactNode {
  return (
    <header className="page-header">
      <h1 tabIndex={-1} id="page-title">
        {title}
      </h1>
      {children ? <div className="page-actions">{children}</div> : null}
    </header>
  );
}

/** Renders the three states of a load: loading, failed, loaded. */
export function Loaded<T>({
  state,
  what,
  children,
}: {
  state: { data: T | undefined; error: unknown; loading: boolean };
  what: string;
  children: (data: T) => ReactNode;
}): ReactNode {
  if (state.error !== undefined) {
    return <ErrorMessage error={state.error} title={`Could not load ${what}`} />;
  }
  if (state.data === undefined) {
    return <Loading what={what} />;
  }
  return children(state.data);
}

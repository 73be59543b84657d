import { createContext, useContext } from 'react';
import type { Schemas } from '../api/client';
import type { Permission } from './page-registry';

export type Session = Schemas['Session'];

export interface SessionState {
  readonly session: Session;
  /** Replace the session after a sign-in step or a password change. */
  setSession: (session: Session | null) => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) {
    throw new Error('useSession outside a signed-in page');
  }
  return state;
}

export function can(session: Session, permission: Permission | undefined): boolean {
  return permission === undefined || session.user.permissions.includes(permission);
}

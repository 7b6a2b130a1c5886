'use client';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiError, type ApiRequest, api } from './api';
import type { User } from './types';

export type SessionState =
  | { status: 'loading' }
  | { status: 'signed_out' }
  | { status: 'signed_in'; user: User; csrfToken: string };

interface SessionContextValue {
  session: SessionState;
  /** After a login step answered signed_in. */
  signedIn(user: User, csrfToken: string): void;
  logOut(): Promise<void>;
  /** Asks the API again (after a change of the user or a rotated session). */
  reload(): Promise<void>;
  /** An API request with this session's CSRF token; a 401 marks the session signed out. */
  request<T>(path: string, init?: Omit<ApiRequest, 'csrfToken'>): Promise<T>;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** Asks the API who is signed in (the session cookie is httpOnly) and keeps the CSRF token in memory. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>({ status: 'loading' });

  const reload = useCallback(async () => {
    try {
      const answer = await api<{ user: User; csrfToken: string }>('/api/v1/auth/session');
      setSession({ status: 'signed_in', user: answer.user, csrfToken: answer.csrfToken });
    } catch {
      setSession({ status: 'signed_out' });
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  const signedIn = useCallback((user: User, csrfToken: string) => {
    setSession({ status: 'signed_in', user, csrfToken });
  }, []);

  const csrfToken = session.status === 'signed_in' ? session.csrfToken : null;

  const request = useCallback(
    async <T,>(path: string, init: Omit<ApiRequest, 'csrfToken'> = {}): Promise<T> => {
      try {
        return await api<T>(path, { ...init, csrfToken });
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) setSession({ status: 'signed_out' });
        throw error;
      }
    },
    [csrfToken],
  );

  const logOut = useCallback(async () => {
    try {
      await api('/api/v1/auth/logout', { method: 'POST', csrfToken });
    } catch (error) {
      // Already signed out on the server: the outcome the user asked for.
      if (!(error instanceof ApiError && error.status === 401)) throw error;
    }
    setSession({ status: 'signed_out' });
  }, [csrfToken]);

  const value = useMemo(
    () => ({ session, signedIn, logOut, reload, request }),
    [session, signedIn, logOut, reload, request],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === null) throw new Error('useSession outside SessionProvider');
  return value;
}

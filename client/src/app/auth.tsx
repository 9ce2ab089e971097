/**
 * Who is signed in. The token is kept in sessionStorage (gone when the tab closes) and attached
 * to every API call by `api/http.ts`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { setAuthToken, setUnauthorizedHandler } from '../api/http.js';
import { api } from '../api/endpoints.js';
import type { User } from '../api/types.js';
import { t } from '../strings.js';

const KEY = 'wb.auth';

interface Stored {
  readonly token: string;
  readonly user: User;
}

/** The auth state components see. */
export interface Auth {
  readonly user: User | undefined;
  readonly token: string | undefined;
  /** Why the user was signed out, if not by choice. */
  readonly notice: string | undefined;
  signIn(username: string, password: string): Promise<void>;
  signOut(): void;
}

const AuthContext = createContext<Auth | undefined>(undefined);

function load(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Stored) : undefined;
  } catch {
    return undefined;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | undefined>(() => {
    const s = load();
    setAuthToken(s?.token);
    return s;
  });
  const [notice, setNotice] = useState<string>();

  const signOut = useCallback(() => {
    sessionStorage.removeItem(KEY);
    setAuthToken(undefined);
    setStored(undefined);
  }, []);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      signOut();
      setNotice(t.signIn.expired);
    });
    return () => setUnauthorizedHandler(undefined);
  }, [signOut]);

  const signIn = useCallback(async (username: string, password: string) => {
    const res = await api.login(username, password);
    const s: Stored = { token: res.token, user: res.user };
    sessionStorage.setItem(KEY, JSON.stringify(s));
    setAuthToken(s.token);
    setNotice(undefined);
    setStored(s);
  }, []);

  const value = useMemo<Auth>(
    () => ({ user: stored?.user, token: stored?.token, notice, signIn, signOut }),
    [stored, notice, signIn, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth() outside AuthProvider');
  return a;
}

/**
 * Who is signed in. The token is kept in this tab's sessionStorage (gone when the tab closes),
 * shared with the browser's other open tabs of this site (`tabSync.ts`), and attached to every
 * API call by `api/http.ts`.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { setAuthToken, setUnauthorizedHandler } from '../api/http.js';
import { api } from '../api/endpoints.js';
import type { User } from '../api/types.js';
import { t } from '../strings.js';
import { ASK_MS, TabSync, isFresh, type Stored } from './tabSync.js';

const KEY = 'wb.auth';

/** The auth state components see. */
export interface Auth {
  readonly user: User | undefined;
  readonly token: string | undefined;
  /** False while a new tab is still asking the open ones for their sign-in. */
  readonly ready: boolean;
  /** Why the user was signed out, if not by choice. */
  readonly notice: string | undefined;
  signIn(username: string, password: string): Promise<void>;
  /** Changes the user's own password and keeps the new token (the old ones no longer work). */
  changePassword(currentPassword: string, newPassword: string): Promise<void>;
  signOut(): void;
}

const AuthContext = createContext<Auth | undefined>(undefined);

function load(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Stored) : undefined;
    return s && isFresh(s.token) ? s : undefined;
  } catch {
    return undefined;
  }
}

function keep(s: Stored | undefined): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
  setAuthToken(s?.token);
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | undefined>(() => {
    const s = load();
    setAuthToken(s?.token);
    return s;
  });
  const [ready, setReady] = useState(stored !== undefined);
  const [notice, setNotice] = useState<string>();
  const current = useRef(stored);
  current.current = stored;
  const sync = useRef<TabSync>(undefined);

  const adopt = useCallback((s: Stored | undefined) => {
    keep(s);
    current.current = s;
    setStored(s);
  }, []);

  useEffect(() => {
    const tabs = new TabSync({
      current: () => current.current,
      received: (s) => {
        adopt(s);
        setNotice(undefined);
        setReady(true);
      },
      signedOut: () => adopt(undefined),
    });
    sync.current = tabs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (!current.current) {
      tabs.ask();
      timer = setTimeout(() => setReady(true), ASK_MS);
    }
    return () => {
      clearTimeout(timer);
      tabs.close();
    };
  }, [adopt]);

  const signOut = useCallback(() => {
    adopt(undefined);
    sync.current?.signOut();
  }, [adopt]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      signOut();
      setNotice(t.signIn.expired);
    });
    return () => setUnauthorizedHandler(undefined);
  }, [signOut]);

  /** Keeps a freshly issued token (sign-in, password change) here and in the other open tabs. */
  const take = useCallback(
    (res: { token: string; user: User }) => {
      const s: Stored = { token: res.token, user: res.user };
      adopt(s);
      setNotice(undefined);
      setReady(true);
      sync.current?.share(s);
    },
    [adopt],
  );
  const signIn = useCallback(async (username: string, password: string) => take(await api.login(username, password)), [take]);
  const changePassword = useCallback(async (current: string, next: string) => take(await api.changePassword(current, next)), [take]);

  const value = useMemo<Auth>(
    () => ({ user: stored?.user, token: stored?.token, ready, notice, signIn, changePassword, signOut }),
    [stored, ready, notice, signIn, changePassword, signOut],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const a = useContext(AuthContext);
  if (!a) throw new Error('useAuth() outside AuthProvider');
  return a;
}

/**
 * What a join link (`/join#token=…&lang=ro&start=…`) carries in its fragment, which the browser
 * never sends to a server. The token moves to this tab's sessionStorage at once (so a reload
 * reconnects) and the fragment leaves the address bar and history. `lang` (the language the
 * court chose for this person) and `start` (the session's start, to show when it is early) are
 * hints for display only: tampering with them changes nothing the server decides.
 */
const TOKEN_KEY = 'wb.invitation';
const START_KEY = 'wb.invitation.start';
const ROLE_KEY = 'wb.invitation.role';

export interface LinkFacts {
  readonly token: string | undefined;
  readonly lang: string | undefined;
  /** ISO 8601 instant, when the link says. */
  readonly start: string | undefined;
  /** The role the link was issued for (a hint: the server says the real one once connected). */
  readonly role: string | undefined;
}

function param(hash: string, name: string): string | undefined {
  const m = new RegExp(`(?:^#|&)${name}=([^&]+)`).exec(hash);
  try {
    return m?.[1] ? decodeURIComponent(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function store(key: string, value: string | undefined): void {
  if (value === undefined) sessionStorage.removeItem(key);
  else sessionStorage.setItem(key, value);
}

/** Reads the link once per page load; falls back to what this tab kept from it. */
export function takeLinkFacts(): LinkFacts {
  const token = param(location.hash, 'token');
  if (token) {
    const lang = param(location.hash, 'lang');
    const rawStart = param(location.hash, 'start');
    const start = rawStart && !Number.isNaN(Date.parse(rawStart)) ? rawStart : undefined;
    store(TOKEN_KEY, token);
    const role = param(location.hash, 'role');
    store(START_KEY, start);
    store(ROLE_KEY, role);
    history.replaceState(null, '', location.pathname);
    return { token, lang, start, role };
  }
  return { token: sessionStorage.getItem(TOKEN_KEY) ?? undefined, lang: undefined, start: sessionStorage.getItem(START_KEY) ?? undefined, role: sessionStorage.getItem(ROLE_KEY) ?? undefined };
}

/** Forgets the link (the session is over for this person, or the link was refused for good). */
export function forgetLink(): void {
  sessionStorage.removeItem(TOKEN_KEY);
  sessionStorage.removeItem(START_KEY);
  sessionStorage.removeItem(ROLE_KEY);
}

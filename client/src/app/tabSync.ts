/**
 * Keeps one sign-in across the tabs of this browser without storing the token anywhere that
 * outlives them. Each tab keeps the token in its own sessionStorage; a new tab asks the open
 * ones over a BroadcastChannel (same origin, same browser profile only) and takes the answer.
 * Signing in or out in one tab does the same in all. When the last tab closes the token is gone,
 * as before: nothing is written to localStorage or a cookie.
 */
import type { User } from '../api/types.js';

/** What a tab keeps of a sign-in. */
export interface Stored {
  readonly token: string;
  readonly user: User;
}

type Message = { readonly kind: 'ask' } | { readonly kind: 'share'; readonly stored: Stored } | { readonly kind: 'signOut' };

const CHANNEL = 'wb.auth';
/** How long a new tab waits for an open one to answer; an open tab answers in a few ms. */
export const ASK_MS = 300;

/** Seconds since the epoch at which a JWT expires, or 0 when it cannot be read. */
function expiryOf(token: string): number {
  try {
    const payload = JSON.parse(atob((token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}

/** False for a token that has expired (a tab left open past the hour must not hand it on). */
export function isFresh(token: string): boolean {
  return expiryOf(token) * 1000 > Date.now();
}

function valid(x: unknown): x is Stored {
  const s = x as Partial<Stored> | null;
  return typeof s?.token === 'string' && typeof s.user?.id === 'string' && typeof s.user.role === 'string' && isFresh(s.token);
}

/** The tab's end of the channel. */
export class TabSync {
  readonly #channel: BroadcastChannel | undefined;

  constructor(private readonly handlers: { current(): Stored | undefined; received(s: Stored): void; signedOut(): void }) {
    this.#channel = typeof BroadcastChannel === 'undefined' ? undefined : new BroadcastChannel(CHANNEL);
    this.#channel?.addEventListener('message', (e: MessageEvent<Message>) => this.#on(e.data));
  }

  #on(m: Message): void {
    if (m?.kind === 'ask') {
      const mine = this.handlers.current();
      if (mine && isFresh(mine.token)) this.#post({ kind: 'share', stored: mine });
    } else if (m?.kind === 'share' && valid(m.stored)) {
      // A tab signed in keeps its account; a new token for that same account (after a password
      // change, which ends the old ones) replaces its own.
      const mine = this.handlers.current();
      if (!mine || (mine.user.id === m.stored.user.id && mine.token !== m.stored.token)) this.handlers.received(m.stored);
    } else if (m?.kind === 'signOut') this.handlers.signedOut();
  }

  #post(m: Message): void {
    this.#channel?.postMessage(m);
  }

  /** Asks the other tabs for their sign-in. */
  ask(): void {
    this.#post({ kind: 'ask' });
  }

  /** Tells the other tabs about a new sign-in. */
  share(stored: Stored): void {
    this.#post({ kind: 'share', stored });
  }

  /** Tells the other tabs to sign out too. */
  signOut(): void {
    this.#post({ kind: 'signOut' });
  }

  close(): void {
    this.#channel?.close();
  }
}

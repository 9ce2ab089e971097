/**
 * The device key sent with an invitation: random, made once per browser tab and kept in
 * sessionStorage so reconnects and reloads present the same one. The server binds a one-time
 * link to the first device key it sees, so the link alone is useless to anyone else.
 */
const KEY = 'wb.deviceKey';

function random(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function deviceKey(): string {
  try {
    const kept = sessionStorage.getItem(KEY);
    if (kept) return kept;
    const made = random();
    sessionStorage.setItem(KEY, made);
    return made;
  } catch {
    return random(); // storage blocked: this page still works, a reload needs a new link
  }
}

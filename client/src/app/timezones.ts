/**
 * Countries of the programme and their time zones, and conversion between a wall-clock time in a
 * zone and an ISO 8601 instant with offset.
 */

/** ISO 3166-1 alpha-2 → IANA zone (every country here has one zone). */
export const COUNTRY_ZONES: Readonly<Record<string, string>> = {
  AL: 'Europe/Tirane',
  BA: 'Europe/Sarajevo',
  BG: 'Europe/Sofia',
  HR: 'Europe/Zagreb',
  GR: 'Europe/Athens',
  HU: 'Europe/Budapest',
  MD: 'Europe/Chisinau',
  ME: 'Europe/Podgorica',
  MK: 'Europe/Skopje',
  RO: 'Europe/Bucharest',
  RS: 'Europe/Belgrade',
  SI: 'Europe/Ljubljana',
  TR: 'Europe/Istanbul',
  UA: 'Europe/Kyiv',
  XK: 'Europe/Belgrade',
};

/** Country codes sorted by their display name. */
export function countryOptions(): { code: string; name: string }[] {
  const names = new Intl.DisplayNames(undefined, { type: 'region' });
  return Object.keys(COUNTRY_ZONES)
    .map((code) => ({ code, name: names.of(code) ?? code }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function countryName(code: string): string {
  try {
    return new Intl.DisplayNames(undefined, { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function zoneOf(country: string): string | undefined {
  return COUNTRY_ZONES[country];
}

/** Offset of `zone` from UTC at `instant`, in minutes (east positive). */
export function offsetMinutes(zone: string, instant: Date): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - instant.getTime()) / 60_000);
}

/**
 * The instant at which the wall clock in `zone` shows `date` (YYYY-MM-DD) `time` (HH:MM), as ISO
 * 8601 with that zone's offset, e.g. `2026-11-28T10:00:00+02:00`. Undefined for bad input.
 */
export function wallTimeToIso(date: string, time: string, zone: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const n = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !n) return undefined;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(n[1]), Number(n[2]));
  // Two passes settle the offset even next to a daylight-saving change.
  let off = offsetMinutes(zone, new Date(guess));
  off = offsetMinutes(zone, new Date(guess - off * 60_000));
  const sign = off >= 0 ? '+' : '-';
  const abs = Math.abs(off);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${date}T${time}:00${sign}${hh}:${mm}`;
}

/** `10:00` style time of an instant in a zone, with the zone's short name. */
export function timeInZone(iso: string, zone: string): string {
  return new Intl.DateTimeFormat(undefined, {
    // Courts keep a 24-hour clock (and the form's time fields are 24-hour too).
    hourCycle: 'h23',
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(new Date(iso));
}

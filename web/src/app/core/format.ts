/**
 * Display helpers. The API sends UTC ISO-8601; every time is shown, and "today" is computed, in the SITE's time zone
 * (`/auth/me` site_timezone, set by the session with setSiteTimeZone), not the browser's: a manager abroad sees the
 * factory's clock. Until the zone is known (or if the browser does not know it) the browser's zone is used.
 */

function toDate(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number) => String(n).padStart(2, '0');

let siteZone: string | undefined;

/** True when the browser's Intl knows the IANA zone name. */
export function isKnownTimeZone(tz: string | null | undefined): boolean {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The site's IANA time zone for every helper here (null or unknown: the browser's zone). */
export function setSiteTimeZone(tz: string | null | undefined): void {
  siteZone = tz && isKnownTimeZone(tz) ? tz : undefined;
}

/** The zone in use: the site's when known, else the browser's. */
export function siteTimeZone(): string {
  return siteZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export interface WallClock {
  year: number;
  month: number; // 1..12
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `tz` (default: the site's) at an instant. */
export function wallClock(d: Date, tz: string | undefined = siteZone): WallClock {
  const key = tz ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(key, f);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(d)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts['year'],
    month: parts['month'],
    day: parts['day'],
    hour: parts['hour'] === 24 ? 0 : parts['hour'],
    minute: parts['minute'],
    second: parts['second'],
  };
}

/** Minutes `tz` is ahead of UTC at an instant (Asia/Kolkata: 330). */
export function zoneOffsetMinutes(d: Date, tz: string | undefined = siteZone): number {
  const w = wallClock(d, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((asUtc - Math.floor(d.getTime() / 1000) * 1000) / 60000);
}

function offsetText(minutes: number): string {
  const sign = minutes >= 0 ? '+' : '-';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * The instant a wall-clock time in `tz` names. In an overlap (a time that happens twice when clocks go back) the
 * earlier instant; in a gap (a time skipped when clocks go forward) the offset from before the gap, i.e. as far
 * past the gap as the time was into it (what JavaScript's Date does).
 */
export function zonedToInstant(
  y: number, mo: number, d: number, h = 0, mi = 0, s = 0, tz: string | undefined = siteZone,
): Date {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  const before = zoneOffsetMinutes(new Date(guess - 86400000), tz);
  const after = zoneOffsetMinutes(new Date(guess + 86400000), tz);
  const valid = [before, after]
    .map((o) => guess - o * 60000)
    .filter((t) => zoneOffsetMinutes(new Date(t), tz) * 60000 === guess - t);
  return new Date(valid.length ? Math.min(...valid) : guess - before * 60000);
}

/** YYYY-MM-DD of an instant in the site's zone (default: now, i.e. the site's "today"). */
export function isoDate(d: Date = new Date(), tz: string | undefined = siteZone): string {
  const w = wallClock(d, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** YYYY-MM of an instant in the site's zone (default: this month at the site). */
export function isoMonth(d: Date = new Date(), tz: string | undefined = siteZone): string {
  return isoDate(d, tz).slice(0, 7);
}

/** Add days to a YYYY-MM-DD date, calendar-wise (no DST surprises). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function formatTime(value: string | Date | null | undefined, seconds = false, tz: string | undefined = siteZone): string {
  const d = toDate(value);
  if (!d) return '—';
  const w = wallClock(d, tz);
  return `${pad(w.hour)}:${pad(w.minute)}${seconds ? ':' + pad(w.second) : ''}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "07 Dec 2026, 14:05" — or "14:05:09" when `sameDayAs` is the same day at the site. */
export function formatDateTime(
  value: string | Date | null | undefined, sameDayAs?: Date, tz: string | undefined = siteZone,
): string {
  const d = toDate(value);
  if (!d) return '—';
  if (sameDayAs && isoDate(d, tz) === isoDate(sameDayAs, tz)) return formatTime(d, true, tz);
  const w = wallClock(d, tz);
  return `${pad(w.day)} ${MONTHS[w.month - 1]} ${w.year}, ${formatTime(d, false, tz)}`;
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(value);
  if (!m) return value;
  return `${m[3]} ${MONTHS[Number(m[2]) - 1]} ${m[1]}`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || Number.isNaN(seconds)) return '—';
  if (seconds < 2) return 'just now';
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function formatPercent(fraction: number | null | undefined, digits = 0): string {
  if (fraction === null || fraction === undefined) return '—';
  return `${(fraction * 100).toFixed(digits)} %`;
}

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'neutral';

const TONES: Record<string, Tone> = {
  PRESENT: 'ok',
  LATE: 'warn',
  ABSENT: 'bad',
  NOT_YET: 'neutral',
  OFF: 'info',
  AUTHORIZED: 'ok',
  ALLOWED: 'ok',
  UNKNOWN: 'warn',
  BLOCKED: 'bad',
  DENIED: 'bad',
  REJECTED: 'neutral',
  ONLINE: 'ok',
  OFFLINE: 'bad',
  DISABLED: 'neutral',
  PENDING: 'warn',
  ASSIGNED: 'ok',
  DISMISSED: 'neutral',
  DONE: 'ok',
  FAILED: 'bad',
  SUCCEEDED: 'ok',
  RUNNING: 'info',
  BLOCKED_VEHICLE: 'bad',
};

export function statusTone(status: string | null | undefined): Tone {
  return TONES[(status ?? '').toUpperCase()] ?? 'neutral';
}

/** "NOT_YET" → "Not yet", "BLOCKED_VEHICLE" → "Blocked vehicle". */
export function statusLabel(status: string | null | undefined): string {
  if (!status) return '—';
  const words = status.replace(/[_.]+/g, ' ').trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export interface AttendanceCounts {
  present: number;
  late: number;
  absent: number;
  notYet: number;
  off: number;
  total: number;
}

/** Today's tiles from the register: `totals` when the server sends them, else counted from the rows. */
export function attendanceCounts(
  totals: Record<string, number> | null | undefined,
  rows: ReadonlyArray<{ status: string }> = [],
): AttendanceCounts {
  const t: Record<string, number> = {};
  if (totals && Object.keys(totals).length > 0) {
    Object.assign(t, totals);
  } else {
    for (const r of rows) t[r.status] = (t[r.status] ?? 0) + 1;
  }
  const present = t['PRESENT'] ?? 0;
  const late = t['LATE'] ?? 0;
  const absent = t['ABSENT'] ?? 0;
  const notYet = t['NOT_YET'] ?? 0;
  const off = t['OFF'] ?? 0;
  return { present, late, absent, notYet, off, total: present + late + absent + notYet + off };
}

/** An ISO-8601 date-time with the site's UTC offset for the start (or end) of a YYYY-MM-DD day at the site. */
export function dayBoundaryIso(date: string, end = false, tz: string | undefined = siteZone): string {
  const [y, m, d] = date.split('-').map(Number);
  const at = end ? zonedToInstant(y, m, d, 23, 59, 59, tz) : zonedToInstant(y, m, d, 0, 0, 0, tz);
  return `${date}T${end ? '23:59:59' : '00:00:00'}${offsetText(zoneOffsetMinutes(at, tz))}`;
}

/** A site-clock "YYYY-MM-DDTHH:MM[:SS]" (input type=datetime-local) as ISO-8601 with the site's offset. */
export function localInputToIso(value: string, tz: string | undefined = siteZone): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value ?? '');
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map((v) => Number(v ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const at = zonedToInstant(y, mo, d, h, mi, s, tz);
  const w = wallClock(at, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${offsetText(zoneOffsetMinutes(at, tz))}`;
}

/** An ISO date-time as the value of an input type=datetime-local (the site's clock, minutes). */
export function isoToLocalInput(value: string | null | undefined, tz: string | undefined = siteZone): string {
  const d = toDate(value);
  if (!d) return '';
  return `${isoDate(d, tz)}T${formatTime(d, false, tz)}`;
}

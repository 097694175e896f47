/** Display helpers. The API sends UTC ISO-8601; we show the browser's local time (the site's, at the site). */

function toDate(value: string | Date | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** YYYY-MM-DD of a local date (what the API's `date` parameters take). */
export function isoDate(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** YYYY-MM of a local date. */
export function isoMonth(d: Date = new Date()): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}`;
}

/** Add days to a YYYY-MM-DD date, calendar-wise (no DST surprises). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

export function formatTime(value: string | Date | null | undefined, seconds = false): string {
  const d = toDate(value);
  if (!d) return '—';
  return `${pad(d.getHours())}:${pad(d.getMinutes())}${seconds ? ':' + pad(d.getSeconds()) : ''}`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "07 Dec 2026, 14:05" — or "14:05:09" when `sameDayAs` is the same local day. */
export function formatDateTime(value: string | Date | null | undefined, sameDayAs?: Date): string {
  const d = toDate(value);
  if (!d) return '—';
  if (sameDayAs && isoDate(d) === isoDate(sameDayAs)) return formatTime(d, true);
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()}, ${formatTime(d)}`;
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

/** An ISO-8601 date-time with the browser's UTC offset for the start (or end) of a local YYYY-MM-DD day. */
export function dayBoundaryIso(date: string, end = false): string {
  const [y, m, d] = date.split('-').map(Number);
  const local = end ? new Date(y, m - 1, d, 23, 59, 59) : new Date(y, m - 1, d, 0, 0, 0);
  const offset = -local.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${date}T${end ? '23:59:59' : '00:00:00'}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** A local "YYYY-MM-DDTHH:MM" (input type=datetime-local) as ISO-8601 with the browser's offset. */
export function localInputToIso(value: string): string | null {
  if (!value) return null;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return null;
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return `${isoDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** An ISO date-time as the value of an input type=datetime-local (local time, minutes). */
export function isoToLocalInput(value: string | null | undefined): string {
  const d = toDate(value);
  if (!d) return '';
  return `${isoDate(d)}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

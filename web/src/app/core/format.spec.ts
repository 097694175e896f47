import { addDays, attendanceCounts, formatAge, formatDate, isoDate, statusLabel, statusTone, formatTime, dayBoundaryIso } from './format';

describe('format helpers', () => {
  it('formats local dates for API parameters', () => {
    expect(isoDate(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
    expect(addDays('2026-02-28', 1)).toBe('2026-03-01');
    expect(addDays('2026-01-01', -1)).toBe('2025-12-31');
  });

  it('writes a day boundary with the browser offset', () => {
    expect(dayBoundaryIso('2026-03-10')).toMatch(/^2026-03-10T00:00:00[+-]\d{2}:\d{2}$/);
    expect(dayBoundaryIso('2026-03-10', true)).toMatch(/^2026-03-10T23:59:59[+-]\d{2}:\d{2}$/);
  });

  it('shows missing values as a dash', () => {
    expect(formatTime(null)).toBe('—');
    expect(formatTime('not a date')).toBe('—');
    expect(formatDate(null)).toBe('—');
    expect(formatDate('2026-12-07')).toBe('07 Dec 2026');
  });

  it('says how old something is', () => {
    expect(formatAge(0.5)).toBe('just now');
    expect(formatAge(42)).toBe('42 s ago');
    expect(formatAge(300)).toBe('5 min ago');
    expect(formatAge(7200)).toBe('2 h ago');
    expect(formatAge(null)).toBe('—');
  });

  it('labels and colours statuses', () => {
    expect(statusLabel('NOT_YET')).toBe('Not yet');
    expect(statusLabel('BLOCKED_VEHICLE')).toBe('Blocked vehicle');
    expect(statusTone('PRESENT')).toBe('ok');
    expect(statusTone('LATE')).toBe('warn');
    expect(statusTone('BLOCKED')).toBe('bad');
    expect(statusTone('something else')).toBe('neutral');
  });

  it('counts the register from totals, or from rows when totals are missing', () => {
    expect(attendanceCounts({ PRESENT: 3, LATE: 1, NOT_YET: 20 })).toEqual({ present: 3, late: 1, absent: 0, notYet: 20, off: 0, total: 24 });
    const rows = [{ status: 'PRESENT' }, { status: 'ABSENT' }, { status: 'ABSENT' }, { status: 'OFF' }];
    expect(attendanceCounts({}, rows)).toEqual({ present: 1, late: 0, absent: 2, notYet: 0, off: 1, total: 4 });
  });
});

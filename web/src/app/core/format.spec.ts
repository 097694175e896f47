import {
  addDays, attendanceCounts, dayBoundaryIso, formatAge, formatDate, formatDateTime, formatTime, isoDate, isoMonth,
  isoToLocalInput, localInputToIso, setSiteTimeZone, siteTimeZone, statusLabel, statusTone, zoneOffsetMinutes,
  zonedToInstant,
} from './format';

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

  describe('in the site time zone', () => {
    afterEach(() => setSiteTimeZone(null));
    // 2026-03-10 20:00 UTC is 2026-03-11 01:30 in Kolkata (UTC+05:30) and 16:00 in New York (EDT, UTC-04:00).
    const instant = new Date('2026-03-10T20:00:00Z');

    it("shows times on the site's clock, not the browser's", () => {
      expect(formatTime(instant, false, 'Asia/Kolkata')).toBe('01:30');
      expect(formatTime('2026-03-10T20:00:05Z', true, 'America/New_York')).toBe('16:00:05');
      expect(formatDateTime(instant, undefined, 'Asia/Kolkata')).toBe('11 Mar 2026, 01:30');
      expect(formatDateTime(instant, new Date('2026-03-10T19:00:00Z'), 'Asia/Kolkata')).toBe('01:30:00');
      expect(formatDateTime(instant, new Date('2026-03-10T18:00:00Z'), 'Asia/Kolkata')).toBe('11 Mar 2026, 01:30');
    });

    it("computes the site's today and month", () => {
      expect(isoDate(instant, 'Asia/Kolkata')).toBe('2026-03-11');
      expect(isoDate(instant, 'America/New_York')).toBe('2026-03-10');
      expect(isoMonth(new Date('2026-03-31T20:00:00Z'), 'Asia/Kolkata')).toBe('2026-04');
    });

    it('uses the zone set by the session as the default', () => {
      setSiteTimeZone('Asia/Kolkata');
      expect(siteTimeZone()).toBe('Asia/Kolkata');
      expect(isoDate(instant)).toBe('2026-03-11');
      expect(formatTime(instant)).toBe('01:30');
      setSiteTimeZone('Not/AZone'); // unknown to the browser: fall back to the browser's zone
      expect(siteTimeZone()).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    });

    it('knows the offset, with daylight saving', () => {
      expect(zoneOffsetMinutes(instant, 'Asia/Kolkata')).toBe(330);
      expect(zoneOffsetMinutes(new Date('2026-01-10T12:00:00Z'), 'America/New_York')).toBe(-300);
      expect(zoneOffsetMinutes(new Date('2026-07-10T12:00:00Z'), 'America/New_York')).toBe(-240);
      expect(zoneOffsetMinutes(instant, 'UTC')).toBe(0);
    });

    it('turns a site wall-clock time into an instant, across DST changes', () => {
      expect(zonedToInstant(2026, 3, 11, 1, 30, 0, 'Asia/Kolkata').toISOString()).toBe('2026-03-10T20:00:00.000Z');
      // New York, 2026-03-08 02:30 does not exist (clocks jump 02:00 -> 03:00): read with the offset before the gap.
      expect(zonedToInstant(2026, 3, 8, 2, 30, 0, 'America/New_York').toISOString()).toBe('2026-03-08T07:30:00.000Z');
      // 2026-11-01 01:30 happens twice: the first one (EDT).
      expect(zonedToInstant(2026, 11, 1, 1, 30, 0, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    });

    it("writes day boundaries and form times with the site's offset", () => {
      expect(dayBoundaryIso('2026-03-10', false, 'Asia/Kolkata')).toBe('2026-03-10T00:00:00+05:30');
      expect(dayBoundaryIso('2026-03-10', true, 'America/New_York')).toBe('2026-03-10T23:59:59-04:00');
      expect(dayBoundaryIso('2026-03-01', false, 'America/New_York')).toBe('2026-03-01T00:00:00-05:00');
      expect(localInputToIso('2026-03-11T01:30', 'Asia/Kolkata')).toBe('2026-03-11T01:30:00+05:30');
      expect(localInputToIso('garbage', 'Asia/Kolkata')).toBeNull();
      expect(localInputToIso('', 'Asia/Kolkata')).toBeNull();
      expect(isoToLocalInput('2026-03-10T20:00:00Z', 'Asia/Kolkata')).toBe('2026-03-11T01:30');
      expect(isoToLocalInput(null, 'Asia/Kolkata')).toBe('');
    });
  });
});

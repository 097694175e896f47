import { AttendanceRead } from '../../api/models';
import { correctionBody, correctionFormFor, describeChanges, missedPunchForm, missedPunchRequests } from './correction';
import { filterRegister } from './register';

const record: AttendanceRead = {
  id: 9, employee_id: 1, shift_id: 1, attendance_date: '2026-12-04',
  check_in_time: '2026-12-04T03:34:00Z', check_out_time: null, status: 'LATE',
  grace_period_applied: false, is_early_exit: false, flagged_for_review: false,
  check_in_camera_id: null, check_out_camera_id: null, created_at: '2026-12-04T03:34:00Z', updated_at: '2026-12-04T03:34:00Z',
};

describe('attendance correction', () => {
  it('sends nothing when nothing changed', () => {
    const form = { ...correctionFormFor(record), reason: 'x' };
    expect(correctionBody(record, form)).toBeNull();
  });

  it('sends only the changed fields with the trimmed reason', () => {
    const form = { ...correctionFormFor(record), reason: '  reader fault ', status: 'PRESENT' as const, flagged_for_review: true };
    expect(correctionBody(record, form)).toEqual({ reason: 'reader fault', status: 'PRESENT', flagged_for_review: true });
  });

  it('sends a new time with an offset, and null for a cleared one', () => {
    const form = { ...correctionFormFor(record), reason: 'r', check_out: '2026-12-04T17:30' };
    const body = correctionBody(record, form)!;
    expect(body.check_out_time).toMatch(/^2026-12-04T17:30:00[+-]\d{2}:\d{2}$/);
    expect(body.check_in_time).toBeUndefined();
    const cleared = correctionBody(record, { ...correctionFormFor(record), reason: 'r', check_in: '' })!;
    expect(cleared.check_in_time).toBeNull();
  });

  it('describes an audit entry', () => {
    expect(describeChanges({ status: { old: 'LATE', new: 'PRESENT' }, check_out_time: { old: null, new: '2026-12-04T12:00:00Z' } })).toEqual([
      'status: LATE → PRESENT',
      'check out time: — → 2026-12-04T12:00:00Z',
    ]);
  });
});

describe('missed punch', () => {
  it('starts at the shift start on that day', () => {
    expect(missedPunchForm('2026-12-04', '08:30:00')).toEqual({ check_in: '2026-12-04T08:30', check_out: '' });
    expect(missedPunchForm('2026-12-04', null)).toEqual({ check_in: '2026-12-04T09:00', check_out: '' });
  });

  it("posts a check-in, then a check-out, on the site's clock", () => {
    expect(missedPunchRequests(5, { check_in: '2026-12-04T08:30', check_out: '' }, 'Asia/Kolkata')).toEqual({
      checkIn: { employee_id: 5, timestamp: '2026-12-04T08:30:00+05:30' },
      checkOut: null,
    });
    const both = missedPunchRequests(5, { check_in: '2026-12-04T08:30', check_out: '2026-12-04T17:05' }, 'Asia/Kolkata');
    expect(both).toMatchObject({ checkOut: { employee_id: 5, timestamp: '2026-12-04T17:05:00+05:30' } });
  });

  it('refuses a missing check-in or a check-out before it', () => {
    expect(missedPunchRequests(5, { check_in: '', check_out: '' })).toEqual({ error: 'Enter the check-in time.' });
    expect(missedPunchRequests(5, { check_in: '2026-12-04T08:30', check_out: '2026-12-04T08:00' }, 'UTC')).toEqual({
      error: 'Check-out must be after check-in.',
    });
  });
});

describe('filterRegister', () => {
  const rows = [
    { employee_name: 'Aarav Sharma', status: 'PRESENT' },
    { employee_name: 'Zoë Iyer', status: 'LATE' },
    { employee_name: 'Ananya Gupta', status: 'NOT_YET' },
  ] as unknown as Parameters<typeof filterRegister>[0];

  it('filters by status and by name, ignoring case and accents', () => {
    expect(filterRegister(rows, 'LATE', '').map((r) => r.employee_name)).toEqual(['Zoë Iyer']);
    expect(filterRegister(rows, null, 'zoe').map((r) => r.employee_name)).toEqual(['Zoë Iyer']);
    expect(filterRegister(rows, null, ' an ').length).toBe(1);
    expect(filterRegister(rows, null, '').length).toBe(3);
    expect(filterRegister(rows, 'ABSENT', '')).toEqual([]);
  });
});

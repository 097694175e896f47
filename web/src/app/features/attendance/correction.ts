import { AttendanceCorrectionCreate, AttendanceRead, AttendanceStatus, PunchRequest } from '../../api/models';
import { isoToLocalInput, localInputToIso } from '../../core/format';

export interface CorrectionForm {
  reason: string;
  status: AttendanceStatus;
  check_in: string; // datetime-local
  check_out: string; // datetime-local
  is_early_exit: boolean;
  flagged_for_review: boolean;
}

export function correctionFormFor(record: AttendanceRead): CorrectionForm {
  return {
    reason: '',
    status: record.status,
    check_in: isoToLocalInput(record.check_in_time),
    check_out: isoToLocalInput(record.check_out_time),
    is_early_exit: record.is_early_exit,
    flagged_for_review: record.flagged_for_review,
  };
}

/**
 * The PATCH body for a correction: the reason plus only the fields that differ from the record (times compared
 * to the minute, as the form shows them). Null when nothing changed.
 */
export function correctionBody(record: AttendanceRead, form: CorrectionForm): AttendanceCorrectionCreate | null {
  const body: AttendanceCorrectionCreate = { reason: form.reason.trim() };
  let changed = false;
  if (form.status !== record.status) {
    body.status = form.status;
    changed = true;
  }
  if (form.check_in !== isoToLocalInput(record.check_in_time)) {
    body.check_in_time = form.check_in ? localInputToIso(form.check_in) : null;
    changed = true;
  }
  if (form.check_out !== isoToLocalInput(record.check_out_time)) {
    body.check_out_time = form.check_out ? localInputToIso(form.check_out) : null;
    changed = true;
  }
  if (form.is_early_exit !== record.is_early_exit) {
    body.is_early_exit = form.is_early_exit;
    changed = true;
  }
  if (form.flagged_for_review !== record.flagged_for_review) {
    body.flagged_for_review = form.flagged_for_review;
    changed = true;
  }
  return changed ? body : null;
}

/** "status: LATE → PRESENT" lines from a correction's `changes` ({field: {old, new}} or {field: {before, after}}). */
export function describeChanges(changes: Record<string, Record<string, unknown>>): string[] {
  return Object.entries(changes).map(([field, change]) => {
    const before = change['old'] ?? change['before'] ?? change['from'];
    const after = change['new'] ?? change['after'] ?? change['to'];
    const show = (v: unknown) => (v === null || v === undefined ? '—' : String(v));
    return `${field.replace(/_/g, ' ')}: ${show(before)} → ${show(after)}`;
  });
}

/** HR recording the punches of a day that has no record (the camera missed the employee). */
export interface MissedPunchForm {
  check_in: string; // datetime-local, the site's clock
  check_out: string; // optional
}

/** The form's start: the day at the shift's start time (or 09:00), no check-out. */
export function missedPunchForm(date: string, shiftStart: string | null | undefined): MissedPunchForm {
  const hm = /^(\d{2}):(\d{2})/.exec(shiftStart ?? '');
  return { check_in: `${date}T${hm ? `${hm[1]}:${hm[2]}` : '09:00'}`, check_out: '' };
}

/**
 * The punches to post for a missed day (check-in, then check-out if given), or the reason the form is not valid.
 * Times are the site's wall clock, sent with its UTC offset.
 */
export function missedPunchRequests(
  employeeId: number,
  form: MissedPunchForm,
  tz?: string,
): { checkIn: PunchRequest; checkOut: PunchRequest | null } | { error: string } {
  const inAt = localInputToIso(form.check_in, tz);
  if (!inAt) return { error: 'Enter the check-in time.' };
  let outAt: string | null = null;
  if (form.check_out) {
    outAt = localInputToIso(form.check_out, tz);
    if (!outAt) return { error: 'The check-out time is not valid.' };
    if (new Date(outAt).getTime() <= new Date(inAt).getTime()) return { error: 'Check-out must be after check-in.' };
  }
  return {
    checkIn: { employee_id: employeeId, timestamp: inAt },
    checkOut: outAt ? { employee_id: employeeId, timestamp: outAt } : null,
  };
}

import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MAT_DIALOG_DATA, MatDialogModule } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { correctAttendance } from '../../api/fn/attendance/correct-attendance';
import { checkIn } from '../../api/fn/attendance/check-in';
import { checkOut } from '../../api/fn/attendance/check-out';
import { getAttendance } from '../../api/fn/attendance/get-attendance';
import { getAttendanceHistory } from '../../api/fn/attendance/get-attendance-history';
import { listAttendance } from '../../api/fn/attendance/list-attendance';
import { AttendanceRead, AttendanceStatus } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';
import { SessionService } from '../../core/auth/session.service';
import { addDays, formatDate, formatDateTime, formatTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { canAccess } from '../../core/roles';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import {
  CorrectionForm, MissedPunchForm, correctionBody, correctionFormFor, describeChanges, missedPunchForm, missedPunchRequests,
} from './correction';

export interface EmployeeAttendanceData {
  employeeId: number;
  employeeName: string;
  date: string;
  /** The day's record (RegisterRow.attendance_id); null when there is none. */
  attendanceId: number | null;
  /** The shift's start (HH:MM:SS), for the missed-punch form's default time. */
  shiftStart?: string | null;
}

@Component({
  selector: 'app-employee-attendance-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatCheckboxModule, PageState, StatusChip],
  template: `
    <h2 mat-dialog-title>{{ data.employeeName }} — attendance</h2>
    <mat-dialog-content>
      <p class="muted small">The 31 days up to {{ fmtDate(data.date) }}. Choose a day to see its history or correct it.</p>
      <app-page-state [loading]="records.loading()" [error]="records.error()" [empty]="records.value()?.length === 0"
        emptyText="No attendance recorded in these 31 days." emptyIcon="event_busy" (retry)="records.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Date</th><th>Status</th><th>In</th><th>Out</th><th>Flags</th></tr></thead>
            <tbody>
              @for (r of records.value(); track r.id) {
                <tr class="clickable" [class.selected]="selected()?.id === r.id" (click)="select(r)" (keydown.enter)="select(r)" tabindex="0"
                  [attr.aria-selected]="selected()?.id === r.id">
                  <td class="nowrap">{{ fmtDate(r.attendance_date) }}</td>
                  <td><app-status-chip [status]="r.status" /></td>
                  <td>{{ t(r.check_in_time) }}</td>
                  <td>{{ t(r.check_out_time) }}</td>
                  <td>
                    @if (r.grace_period_applied) { <span class="chip chip-info">Grace</span> }
                    @if (r.is_early_exit) { <span class="chip chip-warn">Early exit</span> }
                    @if (r.flagged_for_review) { <span class="chip chip-bad">Review</span> }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-page-state>

      @if (missing()) {
        <section class="detail" aria-labelledby="missed-title" data-testid="missed-punch">
          <h3 id="missed-title">{{ fmtDate(data.date) }}: no attendance record</h3>
          @if (canCorrect) {
            <p class="muted small">If the cameras missed {{ data.employeeName }}, record the punches by hand (times on the
              site's clock). The server checks them against the shift like any punch.</p>
            <form class="form-grid" (ngSubmit)="recordMissed()">
              <mat-form-field>
                <mat-label>Check-in</mat-label>
                <input matInput type="datetime-local" name="missed_in" [(ngModel)]="missed.check_in" required />
              </mat-form-field>
              <mat-form-field>
                <mat-label>Check-out (optional)</mat-label>
                <input matInput type="datetime-local" name="missed_out" [(ngModel)]="missed.check_out" />
              </mat-form-field>
              @if (missedError(); as e) { <p class="error reason" role="alert">{{ e }}</p> }
              <div class="form-actions reason">
                <button mat-flat-button type="submit" [disabled]="saving()">Record missed punch</button>
              </div>
            </form>
          } @else {
            <p class="muted">Nobody punched on this day.</p>
          }
        </section>
      }

      @if (selected(); as rec) {
        <section class="detail" aria-label="Selected day">
          <h3>{{ fmtDate(rec.attendance_date) }}</h3>
          <app-page-state [loading]="history.loading()" [error]="history.error()">
            @if (history.value(); as h) {
              <h4>Audit trail</h4>
              @if (h.corrections.length === 0) {
                <p class="muted">Never corrected.</p>
              } @else {
                <ol class="trail">
                  @for (c of h.corrections; track c.id) {
                    <li>
                      <strong>{{ c.changed_by_username }}</strong>, {{ dt(c.changed_at) }}: “{{ c.reason }}”
                      <ul>@for (line of changes(c.changes); track line) { <li class="small">{{ line }}</li> }</ul>
                    </li>
                  }
                </ol>
              }
            }
          </app-page-state>

          @if (canCorrect) {
            <h4>Correct this day</h4>
            <form class="form-grid" (ngSubmit)="save(rec)" #f="ngForm">
              <mat-form-field>
                <mat-label>Status</mat-label>
                <mat-select name="status" [(ngModel)]="form.status">
                  @for (s of statuses; track s) { <mat-option [value]="s">{{ s }}</mat-option> }
                </mat-select>
              </mat-form-field>
              <mat-form-field>
                <mat-label>Check-in</mat-label>
                <input matInput type="datetime-local" name="check_in" [(ngModel)]="form.check_in" />
              </mat-form-field>
              <mat-form-field>
                <mat-label>Check-out</mat-label>
                <input matInput type="datetime-local" name="check_out" [(ngModel)]="form.check_out" />
              </mat-form-field>
              <div class="checks">
                <mat-checkbox name="early" [(ngModel)]="form.is_early_exit">Early exit</mat-checkbox>
                <mat-checkbox name="flag" [(ngModel)]="form.flagged_for_review">Flagged for review</mat-checkbox>
              </div>
              <mat-form-field class="reason">
                <mat-label>Reason (kept in the audit trail)</mat-label>
                <input matInput name="reason" [(ngModel)]="form.reason" required maxlength="500" />
                <mat-error>A correction needs a reason</mat-error>
              </mat-form-field>
              @if (formError(); as e) { <p class="error reason" role="alert">{{ e }}</p> }
              <div class="form-actions reason">
                <button mat-flat-button type="submit" [disabled]="saving()">Save correction</button>
              </div>
            </form>
          }
        </section>
      }
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      <button mat-button type="button" [mat-dialog-close]="changed()">Close</button>
    </mat-dialog-actions>
  `,
  styles: `
    tr.selected td { background: var(--mat-sys-secondary-container); }
    .detail { margin-top: 16px; }
    h3 { font: var(--mat-sys-title-medium); margin: 0 0 8px; }
    h4 { font: var(--mat-sys-title-small); margin: 12px 0 4px; }
    .trail { margin: 0; padding-left: 20px; }
    .reason { grid-column: 1 / -1; }
    .checks { display: flex; flex-direction: column; }
    .error { color: var(--mat-sys-error); margin: 0; }
    .chip + .chip { margin-left: 4px; }
  `,
})
export class EmployeeAttendanceDialog {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly data = inject<EmployeeAttendanceData>(MAT_DIALOG_DATA);
  readonly canCorrect = canAccess(inject(SessionService).role(), ['hr']);
  readonly statuses: AttendanceStatus[] = ['PRESENT', 'LATE', 'ABSENT'];
  readonly selected = signal<AttendanceRead | null>(null);
  readonly saving = signal(false);
  readonly formError = signal<string | null>(null);
  readonly changed = signal(false);
  /** The register's day has no record: offer to record the missed punch (until another day is chosen). */
  readonly missing = signal(this.data.attendanceId === null);
  readonly missedError = signal<string | null>(null);
  missed: MissedPunchForm = missedPunchForm(this.data.date, this.data.shiftStart);
  form: CorrectionForm = { reason: '', status: 'PRESENT', check_in: '', check_out: '', is_early_exit: false, flagged_for_review: false };

  readonly records = new Loadable(() =>
    this.api
      .invoke(listAttendance, {
        employee_id: this.data.employeeId,
        date_from: addDays(this.data.date, -30),
        date_to: this.data.date,
        limit: 100,
      })
      .then((p) => [...p.items].sort((a, b) => b.attendance_date.localeCompare(a.attendance_date))),
  );
  private readonly selectedId = computed(() => this.selected()?.id ?? 0);
  readonly history = new Loadable(() => this.api.invoke(getAttendanceHistory, { attendance_id: this.selectedId() }));
  readonly fmtDate = formatDate;
  readonly t = (v: string | null) => formatTime(v);
  readonly dt = (v: string) => formatDateTime(v);
  readonly changes = describeChanges;

  constructor() {
    void this.records.load().then(async (rows) => {
      const id = this.data.attendanceId;
      if (id === null) return; // the day has no record: the missed-punch form shows, no day is selected
      const record = rows?.find((r) => r.id === id) ?? (await this.api.invoke(getAttendance, { attendance_id: id }).catch(() => null));
      if (record) this.select(record);
    });
  }

  select(r: AttendanceRead): void {
    this.missing.set(false);
    this.selected.set(r);
    this.form = correctionFormFor(r);
    this.formError.set(null);
    void this.history.load();
  }

  async recordMissed(): Promise<void> {
    const req = missedPunchRequests(this.data.employeeId, this.missed);
    if ('error' in req) {
      this.missedError.set(req.error);
      return;
    }
    this.saving.set(true);
    this.missedError.set(null);
    try {
      const result = await this.api.invoke(checkIn, { body: req.checkIn });
      if (req.checkOut) await this.api.invoke(checkOut, { body: req.checkOut });
      this.notify.ok(result.skipped_duplicate ? 'That check-in was already recorded' : 'Missed punch recorded');
      this.changed.set(true);
      const rows = await this.records.load();
      const record =
        rows?.find((r) => r.id === result.attendance_id) ??
        (await this.api.invoke(getAttendance, { attendance_id: result.attendance_id }));
      this.select(record);
    } catch (err) {
      this.missedError.set(apiErrorMessage(err));
      if (this.changed()) void this.records.load(); // the check-in went in, the check-out did not
    } finally {
      this.saving.set(false);
    }
  }

  async save(rec: AttendanceRead): Promise<void> {
    if (!this.form.reason.trim()) {
      this.formError.set('A correction needs a reason.');
      return;
    }
    const body = correctionBody(rec, this.form);
    if (!body) {
      this.formError.set('Nothing changed: edit a field first.');
      return;
    }
    this.saving.set(true);
    this.formError.set(null);
    try {
      const updated = await this.api.invoke(correctAttendance, { attendance_id: rec.id, body });
      this.notify.ok('Correction saved');
      this.changed.set(true);
      this.records.update((rows) => (rows ?? []).map((r) => (r.id === updated.id ? updated : r)));
      this.select(updated);
    } catch (err) {
      this.formError.set(apiErrorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }
}

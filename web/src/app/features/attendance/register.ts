import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { ActivatedRoute } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { getDailyRegister } from '../../api/fn/attendance/get-daily-register';
import { RegisterRow } from '../../api/models';
import { liveRefresh } from '../../core/events/live-refresh';
import { addDays, attendanceCounts, formatTime, isoDate, statusLabel } from '../../core/format';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import { EmployeeAttendanceDialog } from './employee-attendance-dialog';
import { OrgLookups } from './employees.store';

export const REGISTER_STATUSES = ['PRESENT', 'LATE', 'ABSENT', 'NOT_YET', 'OFF'] as const;

/** Register rows matching a status and a name search (case- and accent-insensitive). */
export function filterRegister(rows: readonly RegisterRow[], status: string | null, search: string): RegisterRow[] {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
  const q = fold(search.trim());
  return rows.filter((r) => (!status || r.status === status) && (!q || fold(r.employee_name).includes(q)));
}

@Component({
  selector: 'app-register',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule, MatTooltipModule, PageState, StatusChip],
  template: `
    <div class="filters">
      <button mat-icon-button type="button" (click)="shift(-1)" aria-label="Previous day"><mat-icon>chevron_left</mat-icon></button>
      <mat-form-field>
        <mat-label>Date</mat-label>
        <input matInput type="date" [ngModel]="date()" (ngModelChange)="setDate($event)" required />
      </mat-form-field>
      <button mat-icon-button type="button" (click)="shift(1)" aria-label="Next day"><mat-icon>chevron_right</mat-icon></button>
      <mat-form-field>
        <mat-label>Department</mat-label>
        <mat-select [ngModel]="department()" (ngModelChange)="department.set($event); register.load()">
          <mat-option [value]="null">All departments</mat-option>
          @for (d of org.departments.value(); track d.id) { <mat-option [value]="d.id">{{ d.name }}</mat-option> }
        </mat-select>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Status</mat-label>
        <mat-select [ngModel]="status()" (ngModelChange)="status.set($event)">
          <mat-option [value]="null">Any status</mat-option>
          @for (s of statuses; track s) { <mat-option [value]="s">{{ label(s) }}</mat-option> }
        </mat-select>
      </mat-form-field>
      <mat-form-field>
        <mat-label>Name</mat-label>
        <input matInput [ngModel]="search()" (ngModelChange)="search.set($event)" autocomplete="off" />
      </mat-form-field>
    </div>
    <p class="muted small summary" aria-live="polite">
      {{ counts().present }} present · {{ counts().late }} late · {{ counts().absent }} absent · {{ counts().notYet }} not yet
      @if (counts().off) { · {{ counts().off }} off }
    </p>
    <app-page-state [loading]="register.loading()" [error]="register.error()" [empty]="!!register.value() && rows().length === 0"
      emptyText="Nobody matches on this day." emptyIcon="event_busy" (retry)="register.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr><th>Employee</th><th>Department</th><th>Shift</th><th>Status</th><th>In</th><th>Out</th><th>Flags</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            @for (r of rows(); track r.employee_id) {
              <tr data-testid="register-row">
                <td>{{ r.employee_name }}</td>
                <td>{{ r.department_name ?? '—' }}</td>
                <td>{{ r.shift_name ?? '—' }}</td>
                <td><app-status-chip [status]="r.status" /></td>
                <td>{{ t(r.check_in_time) }}</td>
                <td>{{ t(r.check_out_time) }}</td>
                <td>
                  @if (r.is_early_exit) { <span class="chip chip-warn">Early exit</span> }
                  @if (r.flagged_for_review) { <span class="chip chip-bad" matTooltip="Flagged for HR review">Review</span> }
                </td>
                <td class="actions">
                  @if (r.attendance_id === null && r.status !== 'OFF') {
                    <button mat-button type="button" (click)="open(r)" [attr.aria-label]="'Record a missed punch for ' + r.employee_name"
                      matTooltip="Record a missed punch">
                      <mat-icon>more_time</mat-icon><span class="btn-text">Add punch</span>
                    </button>
                  }
                  <button mat-button type="button" (click)="open(r)" [attr.aria-label]="'History and corrections for ' + r.employee_name" matTooltip="History and corrections">
                    <mat-icon>history</mat-icon><span class="btn-text">History</span>
                  </button>
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </app-page-state>
  `,
  styles: `
    .summary { margin: 0 0 8px; }
    .chip + .chip { margin-left: 4px; }
    @media (max-width: 1100px) {
      .btn-text { display: none; }
      td.actions .mat-mdc-button { min-width: 40px; padding: 0 8px; }
      td.actions .mat-mdc-button .mat-icon { margin: 0; }
    }
  `,
})
export class Register {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  readonly org = inject(OrgLookups);
  readonly statuses = REGISTER_STATUSES;
  readonly label = statusLabel;
  private readonly params = inject(ActivatedRoute).snapshot.queryParamMap;
  readonly date = signal(this.params.get('date') ?? isoDate());
  readonly department = signal<number | null>(null);
  readonly status = signal<string | null>(this.params.get('status'));
  readonly search = signal('');
  readonly register = new Loadable(() =>
    this.api.invoke(getDailyRegister, { date: this.date(), department_id: this.department() }),
  );
  readonly rows = computed(() => filterRegister(this.register.value()?.rows ?? [], this.status(), this.search()));
  readonly counts = computed(() => attendanceCounts(null, this.register.value()?.rows ?? []));
  readonly t = (v: string | null) => formatTime(v);

  constructor() {
    void this.register.load();
    liveRefresh(['punch', 'absences'], () => {
      if (this.date() === isoDate()) void this.register.load();
    }, 30000);
  }

  setDate(d: string): void {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return;
    this.date.set(d);
    void this.register.load();
  }

  shift(days: number): void {
    this.setDate(addDays(this.date(), days));
  }

  open(r: RegisterRow): void {
    this.dialog
      .open(EmployeeAttendanceDialog, {
        data: {
          employeeId: r.employee_id,
          employeeName: r.employee_name,
          date: this.date(),
          attendanceId: r.attendance_id ?? null,
          shiftStart: this.org.shifts.value()?.find((s) => s.id === r.shift_id)?.start_time ?? null,
        },
        width: '960px',
        maxWidth: '96vw',
      })
      .afterClosed()
      .subscribe((changed) => {
        if (changed) void this.register.load();
      });
  }
}

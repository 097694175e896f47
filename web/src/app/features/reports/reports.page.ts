import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { HttpResponse } from '@angular/common/http';
import { FormsModule } from '@angular/forms';
import { NgTemplateOutlet } from '@angular/common';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { getDailyRegister$Csv } from '../../api/fn/attendance/get-daily-register-csv';
import { getDailyRegister$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet } from '../../api/fn/attendance/get-daily-register-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { getMonthlySummary$Csv } from '../../api/fn/attendance/get-monthly-summary-csv';
import { getMonthlySummary$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet } from '../../api/fn/attendance/get-monthly-summary-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { listAttendance$Csv } from '../../api/fn/attendance/list-attendance-csv';
import { listAttendance$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet } from '../../api/fn/attendance/list-attendance-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { getDailyOccupancy$Csv } from '../../api/fn/occupancy/get-daily-occupancy-csv';
import { getDailyOccupancy$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet } from '../../api/fn/occupancy/get-daily-occupancy-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { listDepartments } from '../../api/fn/organization/list-departments';
import { searchVehicleLog$Csv } from '../../api/fn/vehicles/search-vehicle-log-csv';
import { searchVehicleLog$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet as searchVehicleLog$Xlsx } from '../../api/fn/vehicles/search-vehicle-log-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { SessionService } from '../../core/auth/session.service';
import { apiErrorMessageAsync } from '../../core/api-error';
import { addDays, dayBoundaryIso, isoDate, isoMonth } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { canAccess } from '../../core/roles';
import { saveResponse } from '../../shared/download';
import { Loadable } from '../../shared/loadable';

type Fmt = 'csv' | 'xlsx';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@Component({
  selector: 'app-reports-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, NgTemplateOutlet, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule],
  template: `
    <div class="page">
      <div class="page-header"><h1>Reports</h1></div>
      <p class="muted">Downloads are made by the server in the site's time zone.</p>
      <div class="reports">
        @if (can().attendance) {
          <section class="card-block" aria-labelledby="r-summary">
            <h2 class="section-title" id="r-summary">Monthly attendance summary</h2>
            <p class="small muted">Per employee: days present, late, absent, early exits, hours worked.</p>
            <div class="filters">
              <mat-form-field>
                <mat-label>Month</mat-label>
                <input matInput type="month" [(ngModel)]="month" name="month" />
              </mat-form-field>
              <ng-container *ngTemplateOutlet="dep" />
            </div>
            <div class="form-actions">
              <button mat-stroked-button type="button" (click)="summary('csv')" [disabled]="busy() === 'summary'"><mat-icon>download</mat-icon>CSV</button>
              <button mat-flat-button type="button" (click)="summary('xlsx')" [disabled]="busy() === 'summary'"><mat-icon>download</mat-icon>Excel</button>
            </div>
          </section>
          <section class="card-block" aria-labelledby="r-register">
            <h2 class="section-title" id="r-register">Daily register</h2>
            <p class="small muted">Everyone expected on a day, with check-in and check-out.</p>
            <div class="filters">
              <mat-form-field>
                <mat-label>Day</mat-label>
                <input matInput type="date" [(ngModel)]="day" name="day" />
              </mat-form-field>
              <ng-container *ngTemplateOutlet="dep" />
            </div>
            <div class="form-actions">
              <button mat-stroked-button type="button" (click)="register('csv')" [disabled]="busy() === 'register'"><mat-icon>download</mat-icon>CSV</button>
              <button mat-flat-button type="button" (click)="register('xlsx')" [disabled]="busy() === 'register'"><mat-icon>download</mat-icon>Excel</button>
            </div>
          </section>
          <section class="card-block" aria-labelledby="r-records">
            <h2 class="section-title" id="r-records">Attendance records</h2>
            <p class="small muted">Every record in a date range, with flags.</p>
            <div class="filters">
              <mat-form-field><mat-label>From</mat-label><input matInput type="date" [(ngModel)]="from" name="from" /></mat-form-field>
              <mat-form-field><mat-label>To</mat-label><input matInput type="date" [(ngModel)]="to" name="to" /></mat-form-field>
              <ng-container *ngTemplateOutlet="dep" />
            </div>
            <div class="form-actions">
              <button mat-stroked-button type="button" (click)="records('csv')" [disabled]="busy() === 'records'"><mat-icon>download</mat-icon>CSV</button>
              <button mat-flat-button type="button" (click)="records('xlsx')" [disabled]="busy() === 'records'"><mat-icon>download</mat-icon>Excel</button>
            </div>
          </section>
        }
        @if (can().gate) {
          <section class="card-block" aria-labelledby="r-gate">
            <h2 class="section-title" id="r-gate">Gate log</h2>
            <p class="small muted">Every plate read at the gate, with the decision.</p>
            <div class="filters">
              <mat-form-field><mat-label>From</mat-label><input matInput type="date" [(ngModel)]="gateFrom" name="gfrom" /></mat-form-field>
              <mat-form-field><mat-label>To</mat-label><input matInput type="date" [(ngModel)]="gateTo" name="gto" /></mat-form-field>
              <mat-form-field><mat-label>Plate (optional)</mat-label><input matInput [(ngModel)]="plate" name="plate" maxlength="30" /></mat-form-field>
            </div>
            <div class="form-actions">
              <button mat-stroked-button type="button" (click)="gate('csv')" [disabled]="busy() === 'gate'"><mat-icon>download</mat-icon>CSV</button>
              <button mat-flat-button type="button" (click)="gate('xlsx')" [disabled]="busy() === 'gate'"><mat-icon>download</mat-icon>Excel</button>
            </div>
          </section>
        }
        <section class="card-block" aria-labelledby="r-occ">
          <h2 class="section-title" id="r-occ">Occupancy by day</h2>
          <p class="small muted">Average and peak people per zone per day.</p>
          <div class="filters">
            <mat-form-field><mat-label>From</mat-label><input matInput type="date" [(ngModel)]="occFrom" name="ofrom" /></mat-form-field>
            <mat-form-field><mat-label>To</mat-label><input matInput type="date" [(ngModel)]="occTo" name="oto" /></mat-form-field>
          </div>
          <div class="form-actions">
            <button mat-stroked-button type="button" (click)="occupancy('csv')" [disabled]="busy() === 'occupancy'"><mat-icon>download</mat-icon>CSV</button>
            <button mat-flat-button type="button" (click)="occupancy('xlsx')" [disabled]="busy() === 'occupancy'"><mat-icon>download</mat-icon>Excel</button>
          </div>
        </section>
      </div>
      <ng-template #dep>
        <mat-form-field>
          <mat-label>Department</mat-label>
          <mat-select [(ngModel)]="department" name="dep">
            <mat-option [value]="null">All departments</mat-option>
            @for (d of departments.value(); track d.id) { <mat-option [value]="d.id">{{ d.name }}</mat-option> }
          </mat-select>
        </mat-form-field>
      </ng-template>
    </div>
  `,
  styles: `
    .reports { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); }
    .card-block { margin: 0; }
    @media (max-width: 500px) { .reports { grid-template-columns: 1fr; } }
  `,
})
export class ReportsPage {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  private readonly role = inject(SessionService).role;
  readonly can = computed(() => ({ attendance: canAccess(this.role(), ['hr', 'viewer']), gate: canAccess(this.role(), ['security']) }));
  readonly departments = new Loadable(() => this.api.invoke(listDepartments, { limit: 500 }).then((p) => p.items));
  readonly busy = signal<string | null>(null);
  month = isoMonth();
  day = isoDate();
  from = addDays(isoDate(), -30);
  to = isoDate();
  gateFrom = isoDate();
  gateTo = isoDate();
  plate = '';
  occFrom = addDays(isoDate(), -30);
  occTo = isoDate();
  department: number | null = null;

  constructor() {
    if (this.can().attendance) void this.departments.load();
  }

  summary(fmt: Fmt): Promise<void> {
    const [year, month] = this.month.split('-').map(Number);
    const params = { year, month, department_id: this.department, format: fmt };
    return this.fetch('summary', `attendance-summary-${this.month}`, fmt, () =>
      fmt === 'csv' ? this.api.invoke$Response(getMonthlySummary$Csv, params) : this.api.invoke$Response(getMonthlySummary$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet, params),
    );
  }

  register(fmt: Fmt): Promise<void> {
    const params = { date: this.day, department_id: this.department, format: fmt };
    return this.fetch('register', `attendance-register-${this.day}`, fmt, () =>
      fmt === 'csv' ? this.api.invoke$Response(getDailyRegister$Csv, params) : this.api.invoke$Response(getDailyRegister$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet, params),
    );
  }

  records(fmt: Fmt): Promise<void> {
    const params = { date_from: this.from, date_to: this.to, department_id: this.department, format: fmt };
    return this.fetch('records', `attendance-${this.from}-${this.to}`, fmt, () =>
      fmt === 'csv' ? this.api.invoke$Response(listAttendance$Csv, params) : this.api.invoke$Response(listAttendance$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet, params),
    );
  }

  gate(fmt: Fmt): Promise<void> {
    const params = {
      since: dayBoundaryIso(this.gateFrom),
      until: dayBoundaryIso(this.gateTo, true),
      plate: this.plate.trim().toUpperCase() || null,
      fuzzy: this.plate.trim() ? true : undefined,
      format: fmt,
    };
    return this.fetch('gate', `gate-log-${this.gateFrom}-${this.gateTo}`, fmt, () =>
      fmt === 'csv' ? this.api.invoke$Response(searchVehicleLog$Csv, params) : this.api.invoke$Response(searchVehicleLog$Xlsx, params),
    );
  }

  occupancy(fmt: Fmt): Promise<void> {
    const params = { date_from: this.occFrom, date_to: this.occTo, format: fmt };
    return this.fetch('occupancy', `occupancy-daily-${this.occFrom}-${this.occTo}`, fmt, () =>
      fmt === 'csv' ? this.api.invoke$Response(getDailyOccupancy$Csv, params) : this.api.invoke$Response(getDailyOccupancy$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet, params),
    );
  }

  private async fetch(key: string, base: string, fmt: Fmt, call: () => Promise<HttpResponse<Blob | string>>): Promise<void> {
    this.busy.set(key);
    try {
      const response = await call();
      const name = saveResponse(response, `${base}.${fmt}`, fmt === 'csv' ? 'text/csv' : XLSX);
      this.notify.ok(`Downloaded ${name}`);
    } catch (err) {
      this.notify.error(await apiErrorMessageAsync(err));
    } finally {
      this.busy.set(null);
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { FactoryApi } from '../../api/factory-api';
import { searchVehicleLog } from '../../api/fn/vehicles/search-vehicle-log';
import { VehicleStatus } from '../../api/models';
import { liveRefresh } from '../../core/events/live-refresh';
import { dayBoundaryIso, formatDateTime, formatPercent } from '../../core/format';
import { vehicleLogSnapshotUrl } from '../../core/snapshots';
import { AuthImage } from '../../shared/auth-image';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

export const VEHICLE_STATUSES: VehicleStatus[] = ['AUTHORIZED', 'UNKNOWN', 'BLOCKED', 'REJECTED'];

@Component({
  selector: 'app-gate-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatSlideToggleModule, MatButtonModule, MatIconModule, MatPaginatorModule, PageState, StatusChip, AuthImage],
  template: `
    <form class="filters" (ngSubmit)="search()" role="search" aria-label="Search the gate log">
      <mat-form-field>
        <mat-label>Plate</mat-label>
        <input matInput name="plate" [(ngModel)]="plate" maxlength="30" autocomplete="off" />
        <mat-icon matSuffix aria-hidden="true">search</mat-icon>
      </mat-form-field>
      <mat-slide-toggle name="fuzzy" [(ngModel)]="fuzzy">Similar plates (OCR mistakes)</mat-slide-toggle>
      <mat-form-field>
        <mat-label>Decision</mat-label>
        <mat-select name="status" [(ngModel)]="status">
          <mat-option [value]="null">Any</mat-option>
          @for (s of statuses; track s) { <mat-option [value]="s">{{ s }}</mat-option> }
        </mat-select>
      </mat-form-field>
      <mat-form-field>
        <mat-label>From</mat-label>
        <input matInput type="date" name="from" [(ngModel)]="from" />
      </mat-form-field>
      <mat-form-field>
        <mat-label>To</mat-label>
        <input matInput type="date" name="to" [(ngModel)]="to" />
      </mat-form-field>
      <button mat-flat-button type="submit">Search</button>
      <button mat-button type="button" (click)="clear()">Clear</button>
    </form>
    <app-page-state [loading]="log.loading()" [error]="log.error()" [empty]="log.value()?.items?.length === 0"
      emptyText="No gate passes match." emptyIcon="directions_car" (retry)="log.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr>@if (pictures) { <th>Picture</th> }<th>Time</th><th>Plate</th><th>Decision</th><th class="num">OCR</th><th>Camera</th><th>Notes</th></tr></thead>
          <tbody>
            @for (r of log.value()?.items; track r.id) {
              <tr>
                @if (pictures) { <td><app-auth-image [src]="snap(r)" [alt]="'Gate picture of ' + r.plate_number" /></td> }
                <td class="nowrap">{{ time(r.timestamp) }}</td>
                <td class="mono"><strong>{{ r.plate_number }}</strong>
                  @if (r.raw_text && r.raw_text !== r.plate_number) { <div class="muted small">read {{ r.raw_text }}</div> }</td>
                <td><app-status-chip [status]="r.status" />
                  @if (r.needs_review) { <div class="small muted">needs review</div> }</td>
                <td class="num">{{ pct(r.ocr_confidence) }}</td>
                <td>{{ r.camera_id ?? '—' }}</td>
                <td class="small">{{ r.rejection_reason ?? '' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
      <mat-paginator [length]="log.value()?.total ?? 0" [pageSize]="pageSize()" [pageIndex]="pageIndex()"
        [pageSizeOptions]="[25, 50, 100]" (page)="onPage($event)" aria-label="Gate log pages" />
    </app-page-state>
  `,
})
export class GateLog {
  private readonly api = inject(FactoryApi);
  readonly statuses = VEHICLE_STATUSES;
  plate = '';
  fuzzy = true;
  status: VehicleStatus | null = null;
  from = '';
  to = '';
  readonly pageIndex = signal(0);
  readonly pageSize = signal(25);
  private query = { plate: '', fuzzy: true, status: null as VehicleStatus | null, from: '', to: '' };
  readonly log = new Loadable(() =>
    this.api.invoke(searchVehicleLog, {
      plate: this.query.plate || null,
      fuzzy: this.query.plate ? this.query.fuzzy : undefined,
      status: this.query.status,
      since: this.query.from ? dayBoundaryIso(this.query.from) : null,
      until: this.query.to ? dayBoundaryIso(this.query.to, true) : null,
      limit: this.pageSize(),
      offset: this.pageIndex() * this.pageSize(),
    }),
  );
  readonly snap = vehicleLogSnapshotUrl;
  /** The API serves no gate pictures yet (see core/snapshots.ts): no empty column until it does. */
  readonly pictures = vehicleLogSnapshotUrl({ id: 0, snapshot_path: 'x' }) !== null;
  readonly pct = (v: number) => formatPercent(v);
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.log.load();
    // New passes show up by themselves on the first page of an unfiltered log.
    liveRefresh(['gate_decision'], () => {
      if (this.pageIndex() === 0 && !this.query.plate && !this.query.status && !this.query.to) void this.log.load();
    }, 10000);
  }

  search(): void {
    this.query = { plate: this.plate.trim().toUpperCase(), fuzzy: this.fuzzy, status: this.status, from: this.from, to: this.to };
    this.pageIndex.set(0);
    void this.log.load();
  }

  clear(): void {
    this.plate = '';
    this.status = null;
    this.from = this.to = '';
    this.search();
  }

  onPage(e: PageEvent): void {
    this.pageIndex.set(e.pageIndex);
    this.pageSize.set(e.pageSize);
    void this.log.load();
  }
}

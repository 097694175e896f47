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
import { searchVehicleLog$Csv } from '../../api/fn/vehicles/search-vehicle-log-csv';
import { searchVehicleLog$VndOpenxmlformatsOfficedocumentSpreadsheetmlSheet as searchVehicleLog$Xlsx } from '../../api/fn/vehicles/search-vehicle-log-vnd-openxmlformats-officedocument-spreadsheetml-sheet';
import { apiErrorMessageAsync } from '../../core/api-error';
import { NotifyService } from '../../core/notify.service';
import { VehicleStatus } from '../../api/models';
import { liveRefresh } from '../../core/events/live-refresh';
import { dayBoundaryIso, formatDateTime, formatPercent } from '../../core/format';
import { vehicleLogSnapshotUrl } from '../../core/snapshots';
import { SnapshotThumb } from '../../shared/snapshot-thumb';
import { saveResponse } from '../../shared/download';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const VEHICLE_STATUSES: VehicleStatus[] = ['AUTHORIZED', 'UNKNOWN', 'BLOCKED', 'REJECTED'];

@Component({
  selector: 'app-gate-log',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatSlideToggleModule, MatButtonModule, MatIconModule, MatPaginatorModule, PageState, StatusChip, SnapshotThumb],
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
      <span class="spacer"></span>
      <span class="downloads" role="group" aria-label="Download the gate log as shown">
        <button mat-stroked-button type="button" (click)="download('csv')" [disabled]="downloading()"><mat-icon>download</mat-icon>CSV</button>
        <button mat-stroked-button type="button" (click)="download('xlsx')" [disabled]="downloading()"><mat-icon>download</mat-icon>Excel</button>
      </span>
    </form>
    <app-page-state [loading]="log.loading()" [error]="log.error()" [empty]="log.value()?.items?.length === 0"
      emptyText="No gate passes match." emptyIcon="directions_car" (retry)="log.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr><th>Picture</th><th>Time</th><th>Plate</th><th>Decision</th><th class="num">OCR</th><th>Camera</th><th>Notes</th></tr></thead>
          <tbody>
            @for (r of log.value()?.items; track r.id) {
              <tr data-testid="gate-log-row">
                <td><app-snapshot-thumb [src]="snap(r)" [alt]="'Gate picture of ' + r.plate_number" /></td>
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
  styles: `.downloads { display: inline-flex; gap: 8px; }`,
})
export class GateLog {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly statuses = VEHICLE_STATUSES;
  plate = '';
  fuzzy = true;
  status: VehicleStatus | null = null;
  from = '';
  to = '';
  readonly pageIndex = signal(0);
  readonly pageSize = signal(25);
  private query = { plate: '', fuzzy: true, status: null as VehicleStatus | null, from: '', to: '' };
  private filters() {
    return {
      plate: this.query.plate || null,
      fuzzy: this.query.plate ? this.query.fuzzy : undefined,
      status: this.query.status,
      since: this.query.from ? dayBoundaryIso(this.query.from) : null,
      until: this.query.to ? dayBoundaryIso(this.query.to, true) : null,
    };
  }
  readonly log = new Loadable(() =>
    this.api.invoke(searchVehicleLog, { ...this.filters(), limit: this.pageSize(), offset: this.pageIndex() * this.pageSize() }),
  );
  readonly snap = vehicleLogSnapshotUrl;
  readonly downloading = signal(false);
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

  /** The searched rows (all pages, up to the server's export limit) as a file. */
  async download(fmt: 'csv' | 'xlsx'): Promise<void> {
    this.downloading.set(true);
    try {
      const params = { ...this.filters(), format: fmt };
      const response =
        fmt === 'csv'
          ? await this.api.invoke$Response(searchVehicleLog$Csv, params)
          : await this.api.invoke$Response(searchVehicleLog$Xlsx, params);
      const name = saveResponse(response, `gate-log.${fmt}`, fmt === 'csv' ? 'text/csv' : XLSX_TYPE);
      this.notify.ok(`Downloaded ${name}`);
    } catch (err) {
      this.notify.error(await apiErrorMessageAsync(err));
    } finally {
      this.downloading.set(false);
    }
  }

  onPage(e: PageEvent): void {
    this.pageIndex.set(e.pageIndex);
    this.pageSize.set(e.pageSize);
    void this.log.load();
  }
}

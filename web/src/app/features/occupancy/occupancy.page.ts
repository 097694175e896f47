import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatTooltipModule } from '@angular/material/tooltip';
import { FactoryApi } from '../../api/factory-api';
import { listCameras } from '../../api/fn/cameras/list-cameras';
import { getHourlyOccupancy } from '../../api/fn/occupancy/get-hourly-occupancy';
import { getMonthlyOccupancy } from '../../api/fn/occupancy/get-monthly-occupancy';
import { getOccupancyDrift } from '../../api/fn/occupancy/get-occupancy-drift';
import { getOccupancyHeatmap } from '../../api/fn/occupancy/get-occupancy-heatmap';
import { addDays, dayBoundaryIso, formatDateTime, isoDate } from '../../core/format';
import { BarChart } from '../../shared/bar-chart';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { WEEKDAYS, heatmapMatrix, hourlyBars, monthRange, monthlyBars } from './charts';

@Component({
  selector: 'app-occupancy-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatTooltipModule, PageState, BarChart],
  template: `
    <div class="page">
      <div class="page-header"><h1>Occupancy</h1></div>
      <div class="filters">
        <mat-form-field>
          <mat-label>Zone camera</mat-label>
          <mat-select [ngModel]="camera()" (ngModelChange)="setCamera($event)">
            <mat-option [value]="null">All zones</mat-option>
            @for (c of cameras.value(); track c.id) { <mat-option [value]="c.id">{{ c.name }} ({{ c.id }})</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Day</mat-label>
          <input matInput type="date" [ngModel]="date()" (ngModelChange)="setDate($event)" />
        </mat-form-field>
      </div>
      @if (cameras.value()?.length === 0) {
        <p class="muted">No zone cameras are set up; occupancy comes from cameras with the role "zone".</p>
      }
      <div class="charts">
        <section class="card-block">
          <h2 class="section-title">By hour on {{ date() }}</h2>
          <app-page-state [loading]="hourly.loading()" [error]="hourly.error()" [empty]="hourly.value()?.length === 0"
            emptyText="No hourly figures for this day yet (an hour is rolled up after it closes)." emptyIcon="bar_chart" (retry)="hourly.load()">
            <app-bar-chart [bars]="hourlyBars()" label="Average people per hour" caption="Bars: average people in the hour; line: the hour's maximum." />
          </app-page-state>
        </section>
        <section class="card-block">
          <h2 class="section-title">Monthly trend</h2>
          <app-page-state [loading]="monthly.loading()" [error]="monthly.error()" [empty]="monthly.value()?.length === 0"
            emptyText="No monthly figures yet." emptyIcon="show_chart" (retry)="monthly.load()">
            <app-bar-chart [bars]="monthlyBars()" label="Average people per month" caption="Last 12 months: average and maximum." />
          </app-page-state>
        </section>
        <section class="card-block wide">
          <h2 class="section-title">Busy hours by weekday (last 8 weeks)</h2>
          @if (!camera()) {
            <p class="muted">Choose a zone camera to see its heat map.</p>
          } @else {
            <app-page-state [loading]="heatmap.loading()" [error]="heatmap.error()" [empty]="heatmap.value()?.length === 0"
              emptyText="Not enough history for a heat map yet." emptyIcon="grid_on" (retry)="heatmap.load()">
              <div class="heat" role="table" aria-label="Average occupancy by weekday and hour">
                <div role="row" class="heat-row">
                  <span role="columnheader" class="heat-label"></span>
                  @for (h of hours; track h) { <span role="columnheader" class="heat-h">{{ h % 3 === 0 ? h : '' }}</span> }
                </div>
                @for (row of matrix().rows; track $index; let d = $index) {
                  <div role="row" class="heat-row">
                    <span role="rowheader" class="heat-label">{{ weekdays[d] }}</span>
                    @for (v of row; track $index; let h = $index) {
                      <span role="cell" class="heat-cell" [style.background]="color(v)" [matTooltip]="weekdays[d] + ' ' + h + ':00 — ' + (v === null ? 'no data' : v.toFixed(1))"
                        [attr.aria-label]="weekdays[d] + ' ' + h + ':00 ' + (v === null ? 'no data' : v.toFixed(1))"></span>
                    }
                  </div>
                }
              </div>
            </app-page-state>
          }
        </section>
        <section class="card-block wide">
          <h2 class="section-title">Counting drift per camera (last 30 days)</h2>
          <p class="muted small">At the nightly reset the count should be back at zero; what is left over is drift — a large one means the counting line misses or invents crossings.</p>
          <app-page-state [loading]="drift.loading()" [error]="drift.error()" [empty]="drift.value()?.length === 0"
            emptyText="No nightly resets recorded yet." emptyIcon="tune" (retry)="drift.load()">
            <div class="table-wrap">
              <table class="data">
                <thead><tr><th>Camera</th><th class="num">Resets</th><th class="num">Mean |drift|</th><th>Latest resets (left over)</th></tr></thead>
                <tbody>
                  @for (d of drift.value(); track d.camera_id) {
                    <tr>
                      <td>{{ d.camera_id }}</td>
                      <td class="num">{{ d.resets.length }}</td>
                      <td class="num">{{ d.mean_abs_drift === null ? '—' : d.mean_abs_drift.toFixed(1) }}</td>
                      <td class="small">@for (r of d.resets.slice(-5); track r.reset_at) { <span class="nowrap">{{ time(r.reset_at) }}: {{ r.discarded_count }}</span>@if (!$last) {, } }</td>
                    </tr>
                  }
                </tbody>
              </table>
            </div>
          </app-page-state>
        </section>
      </div>
    </div>
  `,
  styles: `
    .charts { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr)); }
    .wide { grid-column: 1 / -1; }
    .card-block { margin: 0; }
    .heat { display: grid; gap: 2px; overflow-x: auto; }
    .heat-row { display: grid; grid-template-columns: 40px repeat(24, minmax(14px, 1fr)); gap: 2px; }
    .heat-label, .heat-h { font: var(--mat-sys-label-small); color: var(--mat-sys-on-surface-variant); }
    .heat-cell { height: 22px; border-radius: 3px; }
    @media (max-width: 500px) { .charts { grid-template-columns: 1fr; } }
  `,
})
export class OccupancyPage {
  private readonly api = inject(FactoryApi);
  readonly camera = signal<string | null>(null);
  readonly date = signal(isoDate());
  readonly hours = Array.from({ length: 24 }, (_, i) => i);
  readonly weekdays = WEEKDAYS;
  readonly cameras = new Loadable(() => this.api.invoke(listCameras, { role: 'zone', limit: 200 }).then((p) => p.items));
  readonly hourly = new Loadable(() =>
    this.api.invoke(getHourlyOccupancy, { date_from: this.date(), date_to: this.date(), camera_id: this.camera() }),
  );
  private readonly months = computed(() => monthRange(this.date().slice(0, 7), 12));
  readonly monthly = new Loadable(() =>
    this.api.invoke(getMonthlyOccupancy, { from_month: this.months()[0], to_month: this.months()[11], camera_id: this.camera() }),
  );
  readonly heatmap = new Loadable(() =>
    this.api.invoke(getOccupancyHeatmap, { camera_id: this.camera() ?? '', date_from: addDays(this.date(), -55), date_to: this.date() }),
  );
  readonly drift = new Loadable(() =>
    this.api.invoke(getOccupancyDrift, { from: dayBoundaryIso(addDays(this.date(), -30)), to: dayBoundaryIso(this.date(), true) }),
  );
  readonly hourlyBars = computed(() => hourlyBars(this.hourly.value() ?? []));
  readonly monthlyBars = computed(() => monthlyBars(this.monthly.value() ?? [], this.months()));
  readonly matrix = computed(() => heatmapMatrix(this.heatmap.value() ?? []));
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.cameras.load().then((cams) => {
      if (cams?.length === 1) this.camera.set(cams[0].id);
      this.reload();
    });
  }

  setCamera(id: string | null): void {
    this.camera.set(id);
    this.reload();
  }

  setDate(d: string): void {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) return;
    this.date.set(d);
    this.reload();
  }

  color(v: number | null): string {
    if (v === null) return 'var(--mat-sys-surface-container)';
    const max = this.matrix().max || 1;
    const a = 0.12 + 0.88 * (v / max);
    return `rgba(0, 94, 184, ${a.toFixed(2)})`;
  }

  private reload(): void {
    void this.hourly.load();
    void this.monthly.load();
    void this.drift.load();
    if (this.camera()) void this.heatmap.load();
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { searchVehicleLog } from '../../api/fn/vehicles/search-vehicle-log';
import { VehicleLogRead } from '../../api/models';
import { liveRefresh } from '../../core/events/live-refresh';
import { formatDateTime, formatPercent } from '../../core/format';
import { vehicleLogSnapshotUrl } from '../../core/snapshots';
import { SnapshotThumb } from '../../shared/snapshot-thumb';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

/** Ids in `next` that were not in `previous` (nothing is "new" on the first load). */
export function newIds(previous: readonly { id: number }[] | undefined, next: readonly { id: number }[]): Set<number> {
  if (!previous) return new Set();
  const seen = new Set(previous.map((r) => r.id));
  return new Set(next.filter((r) => !seen.has(r.id)).map((r) => r.id));
}

@Component({
  selector: 'app-gate-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule, MatButtonModule, PageState, StatusChip, SnapshotThumb, RouterLink],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Latest gate decisions</mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <app-page-state [loading]="log.loading() && !log.value()" [error]="log.error()"
          [empty]="log.value()?.items?.length === 0" emptyText="No vehicles at the gate yet." emptyIcon="directions_car"
          (retry)="refresh()">
          <ul class="log" aria-live="polite">
            @for (row of log.value()?.items; track row.id) {
              <li [class.fresh]="fresh().has(row.id)" data-testid="gate-row">
                <app-snapshot-thumb [src]="snapshot(row)" [alt]="'Gate picture of ' + row.plate_number" noneText="" />
                <div class="main">
                  <div class="plate mono">{{ row.plate_number }}</div>
                  <div class="muted small">{{ time(row.timestamp) }} · {{ row.camera_id ?? 'no camera' }} · {{ pct(row.ocr_confidence) }}</div>
                  @if (row.rejection_reason) { <div class="muted small">{{ row.rejection_reason }}</div> }
                </div>
                <app-status-chip [status]="row.status" />
              </li>
            }
          </ul>
        </app-page-state>
      </mat-card-content>
      <mat-card-actions align="end"><a mat-button routerLink="/vehicles">Full gate log</a></mat-card-actions>
    </mat-card>
  `,
  styles: `
    .log { list-style: none; margin: 8px 0 0; padding: 0; }
    li { display: flex; align-items: center; gap: 12px; padding: 6px 4px; border-bottom: 1px solid var(--mat-sys-outline-variant); border-radius: 6px; }
    li:last-child { border-bottom: 0; }
    .main { flex: 1 1 auto; min-width: 0; }
    .plate { font-size: 1.1rem; font-weight: 600; letter-spacing: .04em; }
    li.fresh { animation: flash 3s ease-out; }
    @keyframes flash { from { background: #fff0c2; } to { background: transparent; } }
  `,
})
export class GateCard {
  private readonly api = inject(FactoryApi);
  readonly log = new Loadable(() => this.api.invoke(searchVehicleLog, { limit: 8 }));
  readonly fresh = signal<Set<number>>(new Set());
  readonly snapshot = vehicleLogSnapshotUrl;
  readonly pct = (v: number) => formatPercent(v);
  readonly time = (t: string) => formatDateTime(t, new Date());

  constructor() {
    void this.refresh();
    liveRefresh(['gate_decision', 'vehicle_alert'], () => void this.refresh(), 8000);
  }

  async refresh(): Promise<void> {
    const before = this.log.value()?.items;
    const page = await this.log.load();
    if (page) this.fresh.set(newIds(before, page.items as VehicleLogRead[]));
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { acknowledgeOccupancyAlert } from '../../api/fn/occupancy/acknowledge-occupancy-alert';
import { listOccupancyAlerts } from '../../api/fn/occupancy/list-occupancy-alerts';
import { acknowledgeVehicleAlert } from '../../api/fn/vehicles/acknowledge-vehicle-alert';
import { listVehicleAlerts } from '../../api/fn/vehicles/list-vehicle-alerts';
import { LiveEventsService } from '../../core/events/live-events.service';
import { liveRefresh } from '../../core/events/live-refresh';
import { formatDateTime } from '../../core/format';
import { vehicleAlertSnapshotUrl } from '../../core/snapshots';
import { SnapshotThumb } from '../../shared/snapshot-thumb';
import { NotifyService } from '../../core/notify.service';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { takeUntilDestroyed } from '@angular/core/rxjs-interop';

const MAX_SHOWN = 4;

export interface OpenAlert {
  key: string;
  kind: 'vehicle' | 'occupancy';
  id: number;
  title: string;
  message: string;
  at: string;
  snapshot: string | null;
}

@Component({
  selector: 'app-alerts-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule, MatButtonModule, PageState, RouterLink, SnapshotThumb],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Open alerts @if (alerts().length) { <span class="count">{{ alerts().length }}</span> }</mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <app-page-state [loading]="loading()" [error]="error()" [empty]="loaded() && alerts().length === 0"
          emptyText="No open alerts." emptyIcon="verified_user" (retry)="refresh()">
          <ul class="alerts" aria-live="assertive">
            @for (a of shown(); track a.key) {
              <li data-testid="open-alert">
                @if (a.snapshot) {
                  <app-snapshot-thumb [src]="a.snapshot" [alt]="'Picture of ' + a.title" />
                } @else {
                  <mat-icon class="icon" aria-hidden="true">{{ a.kind === 'vehicle' ? 'car_crash' : 'groups' }}</mat-icon>
                }
                <div class="main">
                  <div class="title">{{ a.title }}</div>
                  <div class="small">{{ a.message }}</div>
                  <div class="muted small">{{ time(a.at) }}</div>
                </div>
                <button mat-stroked-button type="button" (click)="acknowledge(a)" [disabled]="busy().has(a.key)"
                  [attr.aria-label]="'Acknowledge ' + a.title">Acknowledge</button>
              </li>
            }
          </ul>
          @if (alerts().length > shown().length) {
            <p class="more"><a routerLink="/vehicles" [queryParams]="{ tab: 'alerts' }">{{ alerts().length - shown().length }} more open alerts</a></p>
          }
        </app-page-state>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .count { display: inline-block; min-width: 22px; padding: 0 6px; border-radius: 11px; background: #93000a; color: #fff; font: var(--mat-sys-label-large); text-align: center; }
    .alerts { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 8px; }
    li { display: flex; align-items: center; gap: 12px; padding: 8px 12px; border-radius: 12px; background: #ffdad6; color: #410002; flex-wrap: wrap; }
    .main { flex: 1 1 200px; min-width: 0; }
    .title { font: var(--mat-sys-title-small); }
    .icon { color: #93000a; }
    .more { margin: 8px 0 0; }
  `,
})
export class AlertsCard {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly vehicle = new Loadable(() => this.api.invoke(listVehicleAlerts, { acknowledged: false, limit: 50 }));
  readonly occupancy = new Loadable(() => this.api.invoke(listOccupancyAlerts, { acknowledged: false, limit: 50 }));
  readonly busy = signal<Set<string>>(new Set());
  readonly time = (t: string) => formatDateTime(t, new Date());

  readonly loading = computed(
    () => (this.vehicle.loading() && !this.vehicle.value()) || (this.occupancy.loading() && !this.occupancy.value()),
  );
  readonly error = computed(() => this.vehicle.error() ?? this.occupancy.error());
  readonly loaded = computed(() => !!this.vehicle.value() && !!this.occupancy.value());
  readonly alerts = computed<OpenAlert[]>(() => {
    const v: OpenAlert[] = (this.vehicle.value()?.items ?? []).map((a) => ({
      key: `v${a.id}`,
      kind: 'vehicle',
      id: a.id,
      title: `${a.alert_type === 'BLOCKED_VEHICLE' ? 'Blocked vehicle' : a.alert_type} ${a.plate_number}`,
      message: a.message,
      at: a.created_at,
      snapshot: vehicleAlertSnapshotUrl(a),
    }));
    const o: OpenAlert[] = (this.occupancy.value()?.items ?? []).map((a) => ({
      key: `o${a.id}`,
      kind: 'occupancy',
      id: a.id,
      title: `Over capacity: ${a.camera_id}`,
      message: `Peak ${a.peak_count} people, capacity ${a.capacity}${a.ended_at ? ' (now back under)' : ''}`,
      at: a.started_at,
      snapshot: null,
    }));
    return [...v, ...o].sort((a, b) => b.at.localeCompare(a.at));
  });

  readonly shown = computed(() => this.alerts().slice(0, MAX_SHOWN));

  constructor() {
    void this.refresh();
    liveRefresh(['vehicle_alert', 'occupancy_alert'], () => void this.refresh(), 10000);
    inject(LiveEventsService)
      .on('vehicle_alert')
      .pipe(takeUntilDestroyed())
      .subscribe((e) => {
        const message = typeof e.data['message'] === 'string' ? e.data['message'] : null;
        const plate = typeof e.data['plate_number'] === 'string' ? e.data['plate_number'] : null;
        this.notify.error(message ?? `Vehicle alert${plate ? ': ' + plate : ''}`);
      });
  }

  refresh(): Promise<unknown> {
    return Promise.all([this.vehicle.load(), this.occupancy.load()]);
  }

  async acknowledge(a: OpenAlert): Promise<void> {
    this.busy.update((s) => new Set(s).add(a.key));
    try {
      if (a.kind === 'vehicle') await this.api.invoke(acknowledgeVehicleAlert, { alert_id: a.id });
      else await this.api.invoke(acknowledgeOccupancyAlert, { alert_id: a.id });
      this.notify.ok('Alert acknowledged');
      await this.refresh();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.busy.update((s) => {
        const n = new Set(s);
        n.delete(a.key);
        return n;
      });
    }
  }
}

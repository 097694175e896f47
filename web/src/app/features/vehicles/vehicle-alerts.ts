import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { FactoryApi } from '../../api/factory-api';
import { acknowledgeVehicleAlert } from '../../api/fn/vehicles/acknowledge-vehicle-alert';
import { listVehicleAlerts } from '../../api/fn/vehicles/list-vehicle-alerts';
import { AlertRead } from '../../api/models';
import { liveRefresh } from '../../core/events/live-refresh';
import { formatDateTime, statusLabel } from '../../core/format';
import { vehicleAlertSnapshotUrl } from '../../core/snapshots';
import { SnapshotThumb } from '../../shared/snapshot-thumb';
import { NotifyService } from '../../core/notify.service';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';

@Component({
  selector: 'app-vehicle-alerts',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatButtonToggleModule, MatPaginatorModule, PageState, SnapshotThumb],
  template: `
    <div class="filters">
      <mat-button-toggle-group [value]="show()" (change)="setShow($event.value)" aria-label="Which alerts">
        <mat-button-toggle value="open">Open</mat-button-toggle>
        <mat-button-toggle value="all">All</mat-button-toggle>
      </mat-button-toggle-group>
    </div>
    <app-page-state [loading]="alerts.loading()" [error]="alerts.error()" [empty]="alerts.value()?.items?.length === 0"
      [emptyText]="show() === 'open' ? 'No open alerts.' : 'No alerts yet.'" emptyIcon="verified_user" (retry)="alerts.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr><th>Picture</th><th>Time</th><th>Plate</th><th>Message</th>@if (show() === 'all') { <th>Acknowledged</th> }<th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            @for (a of alerts.value()?.items; track a.id) {
              <tr data-testid="alert-row">
                <td><app-snapshot-thumb [src]="snap(a)" [alt]="'Picture of ' + a.plate_number" /></td>
                <td class="nowrap">{{ time(a.created_at) }}</td>
                <td class="nowrap"><strong class="mono">{{ a.plate_number }}</strong>
                  <div class="small muted">{{ label(a.alert_type) }} · {{ a.camera_id ?? 'no camera' }}</div></td>
                <td class="message">{{ a.message }}</td>
                @if (show() === 'all') { <td class="nowrap">{{ a.acknowledged_at ? time(a.acknowledged_at) : '—' }}</td> }
                <td class="actions">
                  @if (!a.acknowledged_at) {
                    <button mat-stroked-button type="button" (click)="ack(a)" [disabled]="busy() === a.id" [attr.aria-label]="'Acknowledge alert for ' + a.plate_number">Acknowledge</button>
                  }
                </td>
              </tr>
            }
          </tbody>
        </table>
      </div>
      <mat-paginator [length]="alerts.value()?.total ?? 0" [pageSize]="50" [pageIndex]="page()" (page)="onPage($event)" aria-label="Alert pages" />
    </app-page-state>
  `,
  styles: `.message { min-width: 220px; }`,
})
export class VehicleAlerts {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly show = signal<'open' | 'all'>('open');
  readonly page = signal(0);
  readonly busy = signal<number | null>(null);
  readonly alerts = new Loadable(() =>
    this.api.invoke(listVehicleAlerts, {
      acknowledged: this.show() === 'open' ? false : null,
      limit: 50,
      offset: this.page() * 50,
    }),
  );
  readonly time = (t: string) => formatDateTime(t);
  readonly label = statusLabel;
  readonly snap = vehicleAlertSnapshotUrl;

  constructor() {
    void this.alerts.load();
    liveRefresh(['vehicle_alert'], () => void this.alerts.load(), 15000);
  }

  setShow(v: 'open' | 'all'): void {
    this.show.set(v);
    this.page.set(0);
    void this.alerts.load();
  }

  onPage(e: PageEvent): void {
    this.page.set(e.pageIndex);
    void this.alerts.load();
  }

  async ack(a: AlertRead): Promise<void> {
    this.busy.set(a.id);
    try {
      await this.api.invoke(acknowledgeVehicleAlert, { alert_id: a.id });
      this.notify.ok(`Alert for ${a.plate_number} acknowledged`);
      await this.alerts.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.busy.set(null);
    }
  }
}

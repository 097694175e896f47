import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { FactoryApi } from '../../api/factory-api';
import { getCurrentOccupancy } from '../../api/fn/occupancy/get-current-occupancy';
import { liveRefresh } from '../../core/events/live-refresh';
import { formatAge } from '../../core/format';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';

@Component({
  selector: 'app-occupancy-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule, PageState],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Occupancy now</mat-card-title>
        <mat-card-subtitle>People in each zone</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <app-page-state [loading]="zones.loading() && !zones.value()" [error]="zones.error()"
          [empty]="zones.value()?.length === 0" emptyText="No zone cameras count people yet." emptyIcon="groups"
          (retry)="zones.load()">
          <ul class="zones">
            @for (z of zones.value(); track z.camera_id) {
              <li [class.over]="z.over_capacity">
                <div class="name">{{ z.camera_name }} <span class="muted small">{{ z.camera_id }}</span></div>
                <div class="count">
                  <span class="n">{{ z.current_count ?? '—' }}</span>
                  @if (z.capacity) { <span class="muted">/ {{ z.capacity }}</span> }
                  @if (z.over_capacity) { <mat-icon class="warn-icon" aria-label="Over capacity">warning</mat-icon> }
                </div>
                <div class="muted small">In {{ z.entries_today }} · out {{ z.exits_today }} today · {{ age(z.age_seconds) }}</div>
              </li>
            }
          </ul>
        </app-page-state>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .zones { list-style: none; margin: 8px 0 0; padding: 0; display: grid; gap: 8px; }
    li { padding: 8px 12px; border-radius: 12px; background: var(--mat-sys-surface-container); }
    li.over { background: #ffdad6; }
    .name { font: var(--mat-sys-title-small); }
    .count { display: flex; align-items: baseline; gap: 6px; }
    .n { font: var(--mat-sys-headline-medium); }
    .warn-icon { color: #93000a; align-self: center; }
  `,
})
export class OccupancyCard {
  private readonly api = inject(FactoryApi);
  readonly zones = new Loadable(() => this.api.invoke(getCurrentOccupancy));
  readonly age = formatAge;

  constructor() {
    void this.zones.load();
    liveRefresh(['occupancy', 'occupancy_reset', 'occupancy_alert'], () => void this.zones.load(), 10000);
  }
}

import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router } from '@angular/router';
import { GateLog } from './gate-log';
import { VehicleAlerts } from './vehicle-alerts';
import { Watchlist } from './watchlist';

const TABS = ['log', 'watchlist', 'alerts'];

@Component({
  selector: 'app-vehicles-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatTabsModule, GateLog, Watchlist, VehicleAlerts],
  template: `
    <div class="page">
      <div class="page-header"><h1>Vehicles</h1></div>
      <mat-tab-group [selectedIndex]="index" (selectedIndexChange)="select($event)" mat-stretch-tabs="false" animationDuration="0ms">
        <mat-tab label="Gate log"><ng-template matTabContent><div class="tab-body"><app-gate-log /></div></ng-template></mat-tab>
        <mat-tab label="Watchlist"><ng-template matTabContent><div class="tab-body"><app-watchlist /></div></ng-template></mat-tab>
        <mat-tab label="Alerts"><ng-template matTabContent><div class="tab-body"><app-vehicle-alerts /></div></ng-template></mat-tab>
      </mat-tab-group>
    </div>
  `,
})
export class VehiclesPage {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  readonly index = Math.max(0, TABS.indexOf(this.route.snapshot.queryParamMap.get('tab') ?? 'log'));

  select(i: number): void {
    void this.router.navigate([], { queryParams: { tab: TABS[i] }, replaceUrl: true });
  }
}

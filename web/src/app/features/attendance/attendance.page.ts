import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatTabsModule } from '@angular/material/tabs';
import { ActivatedRoute, Router } from '@angular/router';
import { OrgLookups } from './employees.store';
import { PendingRecognitions } from './pending-recognitions';
import { Register } from './register';
import { UnknownFaces } from './unknown-faces';

const TABS = ['register', 'unknown', 'pending'];

@Component({
  selector: 'app-attendance-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatTabsModule, Register, UnknownFaces, PendingRecognitions],
  providers: [OrgLookups],
  template: `
    <div class="page">
      <div class="page-header"><h1>Attendance</h1></div>
      <mat-tab-group [selectedIndex]="index" (selectedIndexChange)="select($event)" mat-stretch-tabs="false" animationDuration="0ms">
        <mat-tab label="Daily register"><ng-template matTabContent><div class="tab-body"><app-register /></div></ng-template></mat-tab>
        <mat-tab label="Unknown faces"><ng-template matTabContent><div class="tab-body"><app-unknown-faces /></div></ng-template></mat-tab>
        <mat-tab label="Pending recognitions"><ng-template matTabContent><div class="tab-body"><app-pending-recognitions /></div></ng-template></mat-tab>
      </mat-tab-group>
    </div>
  `,
})
export class AttendancePage {
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  readonly index = Math.max(0, TABS.indexOf(this.route.snapshot.queryParamMap.get('tab') ?? 'register'));

  constructor() {
    void inject(OrgLookups).loadAll();
  }

  select(i: number): void {
    void this.router.navigate([], { queryParams: { tab: TABS[i] }, replaceUrl: true, queryParamsHandling: '' });
  }
}

import { ChangeDetectionStrategy, Component, computed, inject, signal } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { getDailyRegister } from '../../api/fn/attendance/get-daily-register';
import { SessionService } from '../../core/auth/session.service';
import { liveRefresh } from '../../core/events/live-refresh';
import { attendanceCounts, formatDate, isoDate } from '../../core/format';
import { canAccess } from '../../core/roles';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';

@Component({
  selector: 'app-attendance-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, PageState, RouterLink],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Attendance today</mat-card-title>
        <mat-card-subtitle>{{ dateLabel() }}</mat-card-subtitle>
      </mat-card-header>
      <mat-card-content>
        <app-page-state [loading]="register.loading() && !register.value()" [error]="register.error()"
          [empty]="counts().total === 0 && !!register.value()" emptyText="Nobody is expected today." emptyIcon="event_busy"
          (retry)="register.load()">
          <div class="tiles">
            <a class="tile ok" [routerLink]="linkable ? '/attendance' : null" [queryParams]="{ status: 'PRESENT' }">
              <span class="n">{{ counts().present }}</span><span class="l">Present</span></a>
            <a class="tile warn" [routerLink]="linkable ? '/attendance' : null" [queryParams]="{ status: 'LATE' }">
              <span class="n">{{ counts().late }}</span><span class="l">Late</span></a>
            <a class="tile bad" [routerLink]="linkable ? '/attendance' : null" [queryParams]="{ status: 'ABSENT' }">
              <span class="n">{{ counts().absent }}</span><span class="l">Absent</span></a>
            <a class="tile neutral" [routerLink]="linkable ? '/attendance' : null" [queryParams]="{ status: 'NOT_YET' }">
              <span class="n">{{ counts().notYet }}</span><span class="l">Not yet</span></a>
          </div>
          @if (counts().off) {
            <p class="muted small">{{ counts().off }} off today</p>
          }
        </app-page-state>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .tiles { display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; margin-top: 8px; }
    .tile { display: flex; flex-direction: column; align-items: center; padding: 12px 4px; border-radius: 12px; text-decoration: none; color: inherit; }
    .n { font: var(--mat-sys-display-small); line-height: 1.1; }
    .l { font: var(--mat-sys-label-large); }
    .ok { background: #d7f5dd; } .warn { background: #fff0c2; } .bad { background: #ffdad6; } .neutral { background: #e6e6ea; }
    @media (max-width: 420px) { .tiles { grid-template-columns: repeat(2, 1fr); } }
  `,
})
export class AttendanceCard {
  private readonly api = inject(FactoryApi);
  /** The site's today, read again at each load (the dashboard may stay open past midnight). */
  private readonly today = signal(isoDate());
  readonly dateLabel = computed(() => formatDate(this.today()));
  readonly linkable = canAccess(inject(SessionService).role(), ['hr']);
  readonly register = new Loadable(() => {
    this.today.set(isoDate());
    return this.api.invoke(getDailyRegister, { date: this.today() });
  });
  readonly counts = computed(() => {
    const r = this.register.value();
    return attendanceCounts(r?.totals, r?.rows ?? []);
  });

  constructor() {
    void this.register.load();
    liveRefresh(['punch', 'absences'], () => void this.register.load(), 30000);
  }
}

import { ChangeDetectionStrategy, Component, computed, inject } from '@angular/core';
import { ActivatedRoute } from '@angular/router';
import { toSignal } from '@angular/core/rxjs-interop';
import { map } from 'rxjs';
import { SessionService } from '../../core/auth/session.service';
import { canAccess } from '../../core/roles';
import { AlertsCard } from './alerts-card';
import { AttendanceCard } from './attendance-card';
import { CameraHealthCard } from './camera-health-card';
import { GateCard } from './gate-card';
import { OccupancyCard } from './occupancy-card';

/** Which dashboard cards a role can fill (the API refuses the others: attendance reads hr/viewer, gate security). */
export function dashboardCards(role: string | null | undefined) {
  const r = role as Parameters<typeof canAccess>[0];
  return {
    attendance: canAccess(r, ['hr', 'viewer']),
    gate: canAccess(r, ['security']),
    alerts: canAccess(r, ['security']),
    occupancy: canAccess(r, []),
    cameras: canAccess(r, []),
  };
}

@Component({
  selector: 'app-dashboard-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [AttendanceCard, OccupancyCard, GateCard, AlertsCard, CameraHealthCard],
  template: `
    <div class="page">
      <div class="page-header"><h1>Dashboard</h1></div>
      @if (denied(); as url) {
        <p class="denied" role="alert">Your role cannot open {{ url }}.</p>
      }
      <div class="dash">
        @if (cards().alerts) { <app-alerts-card class="wide" /> }
        @if (cards().attendance) { <app-attendance-card /> }
        @if (cards().occupancy) { <app-occupancy-card /> }
        @if (cards().gate) { <app-gate-card class="tall" /> }
        @if (cards().cameras) { <app-camera-health-card /> }
      </div>
    </div>
  `,
  styles: `
    .dash { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); align-items: start; }
    .wide { grid-column: 1 / -1; }
    .denied { background: var(--mat-sys-error-container); color: var(--mat-sys-on-error-container); padding: 8px 12px; border-radius: 8px; }
    @media (max-width: 420px) { .dash { grid-template-columns: 1fr; } }
  `,
})
export class DashboardPage {
  private readonly session = inject(SessionService);
  readonly cards = computed(() => dashboardCards(this.session.role()));
  readonly denied = toSignal(inject(ActivatedRoute).queryParamMap.pipe(map((p) => p.get('denied'))));
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatTooltipModule } from '@angular/material/tooltip';
import { FactoryApi } from '../../api/factory-api';
import { getSchedulerStatus } from '../../api/fn/system/get-scheduler-status';
import { runJobNow } from '../../api/fn/system/run-job-now';
import { ScheduledJob } from '../../api/models';
import { poll } from '../../core/events/live-refresh';
import { formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

/** A job's last result as short "key: value" text. */
export function resultSummary(result: Record<string, unknown> | null | undefined): string {
  if (!result) return '';
  return Object.entries(result)
    .filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => `${k.replace(/_/g, ' ')}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

@Component({
  selector: 'app-scheduler-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatTooltipModule, PageState, StatusChip],
  template: `
    <div class="page">
      <div class="page-header"><h1>Scheduler</h1></div>
      <app-page-state [loading]="status.loading() && !status.value()" [error]="status.error()" [empty]="status.value()?.jobs?.length === 0"
        emptyText="No scheduled jobs." emptyIcon="event_busy" (retry)="status.load()">
        @if (status.value(); as s) {
          <p class="muted">
            Scheduler {{ s.scheduler_running ? 'running in this process' : 'not running in this process (a separate scheduler may run it)' }}
            · time zone {{ s.timezone }} · missed runs caught up for {{ s.catch_up_days }} days
          </p>
          <div class="table-wrap">
            <table class="data">
              <thead><tr><th>Job</th><th>Schedule</th><th>Next run</th><th>Last run</th><th>Result</th><th class="num">Backlog</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
              <tbody>
                @for (j of s.jobs; track j.name) {
                  <tr>
                    <td><div class="mono">{{ j.name }}</div><div class="small muted">{{ j.description }}</div></td>
                    <td class="mono small">{{ j.schedule }}</td>
                    <td class="nowrap">{{ j.next_run ? time(j.next_run) : '—' }}</td>
                    <td class="nowrap">
                      @if (j.last_run; as r) {
                        <app-status-chip [status]="r.status" />
                        <div class="small muted">{{ time(r.finished_at ?? r.started_at) }}@if (r.duration_seconds !== null) { · {{ r.duration_seconds.toFixed(1) }} s }</div>
                      } @else { never }
                    </td>
                    <td class="small">{{ j.last_run?.error ?? summary(j.last_run?.result) }}</td>
                    <td class="num">{{ j.backlog.count }}</td>
                    <td class="actions">
                      <button mat-stroked-button type="button" (click)="run(j)" [disabled]="running() === j.name" [attr.aria-label]="'Run ' + j.name + ' now'">
                        <mat-icon>play_arrow</mat-icon>Run now
                      </button>
                    </td>
                  </tr>
                }
              </tbody>
            </table>
          </div>
        }
      </app-page-state>
    </div>
  `,
})
export class SchedulerPage {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly status = new Loadable(() => this.api.invoke(getSchedulerStatus));
  readonly running = signal<string | null>(null);
  readonly time = (t: string) => formatDateTime(t);
  readonly summary = resultSummary;

  constructor() {
    void this.status.load();
    poll(() => void this.status.load(), 15000);
  }

  async run(j: ScheduledJob): Promise<void> {
    this.running.set(j.name);
    try {
      const r = await this.api.invoke(runJobNow, { name: j.name, body: null });
      if (r.status === 'failed') this.notify.error(`${j.name} failed: ${r.error ?? 'no reason given'}`);
      else this.notify.ok(`${j.name}: ${r.status}${r.rows !== null ? `, ${r.rows} rows` : ''}`);
      await this.status.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.running.set(null);
    }
  }
}

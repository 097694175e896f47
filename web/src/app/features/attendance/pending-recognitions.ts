import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { FactoryApi } from '../../api/factory-api';
import { listPendingRecognitions } from '../../api/fn/identity/list-pending-recognitions';
import { formatDateTime } from '../../core/format';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

@Component({
  selector: 'app-pending-recognitions',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonToggleModule, PageState, StatusChip],
  template: `
    <p class="muted">Camera frames kept while the face engine was unreachable; the scheduler retries them every few minutes.</p>
    <div class="filters">
      <mat-button-toggle-group [value]="status()" (change)="status.set($event.value); items.load()" aria-label="Which frames">
        <mat-button-toggle value="pending">Waiting</mat-button-toggle>
        <mat-button-toggle value="failed">Failed</mat-button-toggle>
        <mat-button-toggle value="done">Done</mat-button-toggle>
      </mat-button-toggle-group>
    </div>
    <app-page-state [loading]="items.loading()" [error]="items.error()" [empty]="items.value()?.items?.length === 0"
      emptyText="Nothing waiting for the face engine." emptyIcon="task_alt" (retry)="items.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr><th>Captured</th><th>Camera</th><th>Status</th><th class="num">Attempts</th><th>Last error</th><th>Processed</th></tr></thead>
          <tbody>
            @for (p of items.value()?.items; track p.id) {
              <tr>
                <td class="nowrap">{{ time(p.captured_at) }}</td>
                <td>{{ p.camera_id ?? '—' }}</td>
                <td><app-status-chip [status]="p.status" /></td>
                <td class="num">{{ p.attempts }}</td>
                <td class="small">{{ p.last_error ?? '' }}</td>
                <td class="nowrap">{{ p.processed_at ? time(p.processed_at) : '—' }}</td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </app-page-state>
  `,
})
export class PendingRecognitions {
  private readonly api = inject(FactoryApi);
  readonly status = signal<'pending' | 'done' | 'failed'>('pending');
  readonly items = new Loadable(() => this.api.invoke(listPendingRecognitions, { status: this.status(), limit: 200 }));
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.items.load();
  }
}

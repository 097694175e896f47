import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { poll } from '../../core/events/live-refresh';
import { formatAge, formatDateTime } from '../../core/format';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import { cameraState, loadCameraHealth } from '../dashboard/camera-health-card';
import { CameraFeed } from './camera-feed';

@Component({
  selector: 'app-live-single-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, MatButtonToggleModule, RouterLink, PageState, StatusChip, CameraFeed],
  template: `
    <div class="page">
      <div class="page-header">
        <a mat-icon-button routerLink="/live" aria-label="Back to all cameras"><mat-icon>arrow_back</mat-icon></a>
        <h1>{{ current()?.camera?.name ?? cameraId() }}</h1>
        @if (current(); as c) { <app-status-chip [status]="state(c)" /> }
      </div>
      <app-page-state [loading]="cameras.loading() && !cameras.value()" [error]="cameras.error()"
        [empty]="!!cameras.value() && !current()" [emptyText]="'No camera ' + cameraId() + '.'" emptyIcon="videocam_off"
        (retry)="cameras.load()">
        <div class="layout">
          <app-camera-feed class="feed" [cameraId]="cameraId()" [width]="1280" />
          <aside class="side">
            <nav aria-label="Other cameras">
              <mat-button-toggle-group [value]="cameraId()" aria-label="Camera" class="switch" [vertical]="true">
                @for (c of cameras.value(); track c.camera.id) {
                  <mat-button-toggle [value]="c.camera.id" [routerLink]="['/live', c.camera.id]">{{ c.camera.name }}</mat-button-toggle>
                }
              </mat-button-toggle-group>
            </nav>
            @if (current()?.status; as s) {
              <dl class="facts">
                <dt>Input</dt><dd>{{ s.input_fps.toFixed(1) }} fps</dd>
                <dt>Analysis</dt><dd>{{ s.analysis_fps.toFixed(1) }} fps</dd>
                <dt>Viewers</dt><dd>{{ s.viewers }}</dd>
                <dt>Last frame</dt><dd>{{ age(s.last_frame_age_seconds) }}</dd>
                <dt>Dropped</dt><dd>{{ s.frames_dropped }} of {{ s.frames_captured }}</dd>
                <dt>Reconnects</dt><dd>{{ s.reconnects }}</dd>
                @if (s.last_error) { <dt>Last error</dt><dd>{{ s.last_error }} ({{ time(s.last_error_at) }})</dd> }
              </dl>
            }
          </aside>
        </div>
      </app-page-state>
    </div>
  `,
  styles: `
    .layout { display: grid; grid-template-columns: minmax(0, 1fr) 240px; gap: 16px; align-items: start; }
    .switch { width: 100%; }
    .facts { display: grid; grid-template-columns: auto 1fr; gap: 4px 12px; margin: 16px 0 0; font: var(--mat-sys-body-medium); }
    dt { color: var(--mat-sys-on-surface-variant); }
    dd { margin: 0; }
    @media (max-width: 900px) { .layout { grid-template-columns: 1fr; } }
  `,
})
export class LiveSinglePage {
  private readonly api = inject(FactoryApi);
  readonly cameraId = input.required<string>();
  readonly cameras = new Loadable(() => loadCameraHealth(this.api));
  readonly current = computed(() => this.cameras.value()?.find((c) => c.camera.id === this.cameraId()));
  readonly state = cameraState;
  readonly age = formatAge;
  readonly time = (t: string | null) => formatDateTime(t);

  constructor() {
    void this.cameras.load();
    poll(() => void this.cameras.load(), 5000);
  }
}

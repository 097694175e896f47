import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatCardModule } from '@angular/material/card';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { poll } from '../../core/events/live-refresh';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import { cameraState, loadCameraHealth } from '../dashboard/camera-health-card';
import { CameraFeed } from './camera-feed';

/**
 * Browsers open at most 6 HTTP/1.1 connections per host and an MJPEG stream holds one for as long as it shows:
 * the first tiles stream, the rest show a still refreshed every few seconds, so API calls always find a free one.
 */
export const MAX_STREAM_TILES = 4;

@Component({
  selector: 'app-live-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatIconModule, MatButtonModule, RouterLink, PageState, StatusChip, CameraFeed],
  template: `
    <div class="page">
      <div class="page-header"><h1>Live video</h1></div>
      <app-page-state [loading]="cameras.loading() && !cameras.value()" [error]="cameras.error()"
        [empty]="cameras.value()?.length === 0" emptyText="No cameras configured." emptyIcon="videocam_off"
        (retry)="cameras.load()">
        <div class="tiles">
          @for (c of cameras.value(); track c.camera.id; let i = $index) {
            <a class="tile" [routerLink]="['/live', c.camera.id]" [attr.aria-label]="'Open ' + c.camera.name + ' large'">
              @if (c.camera.enabled) {
                <app-camera-feed [cameraId]="c.camera.id" [width]="640" [fps]="8" [mode]="i < maxStreams ? 'stream' : 'snapshot'" />
              } @else {
                <div class="off"><mat-icon aria-hidden="true">videocam_off</mat-icon> Disabled</div>
              }
              <div class="caption">
                <span class="name">{{ c.camera.name }}</span>
                <span class="muted small">{{ c.camera.id }} · {{ c.camera.role }}</span>
                <span class="spacer"></span>
                @if (c.status; as s) { <span class="muted small">{{ s.input_fps.toFixed(0) }} fps</span> }
                <app-status-chip [status]="state(c)" />
              </div>
            </a>
          }
        </div>
      </app-page-state>
    </div>
  `,
  styles: `
    .tiles { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); }
    .tile { display: block; background: var(--mat-sys-surface); border-radius: 12px; padding: 8px; color: inherit; text-decoration: none; border: 1px solid var(--mat-sys-outline-variant); }
    .tile:hover, .tile:focus-visible { border-color: var(--mat-sys-primary); }
    .caption { display: flex; align-items: center; gap: 8px; padding: 8px 4px 2px; }
    .caption .muted { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
    .name { font: var(--mat-sys-title-small); }
    .off { aspect-ratio: 16 / 9; display: flex; align-items: center; justify-content: center; gap: 8px; background: #333; color: #ccc; border-radius: 8px; }
  `,
})
export class LivePage {
  private readonly api = inject(FactoryApi);
  readonly cameras = new Loadable(() => loadCameraHealth(this.api));
  readonly state = cameraState;
  readonly maxStreams = MAX_STREAM_TILES;

  constructor() {
    void this.cameras.load();
    poll(() => void this.cameras.load(), 15000);
  }
}

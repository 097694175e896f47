import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatCardModule } from '@angular/material/card';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { listCameras } from '../../api/fn/cameras/list-cameras';
import { cameraStatus } from '../../api/fn/video/camera-status';
import { CameraRead, CameraStatusRead } from '../../api/models';
import { poll } from '../../core/events/live-refresh';
import { formatAge } from '../../core/format';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

export interface CameraWithStatus {
  camera: CameraRead;
  status: CameraStatusRead | null;
  statusError: string | null;
}

/** Every camera with its live status (one status call per camera; a failed one marks only that camera). */
export async function loadCameraHealth(api: FactoryApi): Promise<CameraWithStatus[]> {
  const page = await api.invoke(listCameras, { limit: 200 });
  return Promise.all(
    page.items.map(async (camera) => {
      if (!camera.enabled) return { camera, status: null, statusError: null };
      try {
        return { camera, status: await api.invoke(cameraStatus, { camera_id: camera.id }), statusError: null };
      } catch {
        return { camera, status: null, statusError: 'status unavailable' };
      }
    }),
  );
}

export function cameraState(c: CameraWithStatus): 'ONLINE' | 'OFFLINE' | 'DISABLED' {
  if (!c.camera.enabled) return 'DISABLED';
  return c.status?.online ? 'ONLINE' : 'OFFLINE';
}

@Component({
  selector: 'app-camera-health-card',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatCardModule, MatTooltipModule, PageState, StatusChip, RouterLink],
  template: `
    <mat-card appearance="outlined">
      <mat-card-header>
        <mat-card-title>Camera health</mat-card-title>
      </mat-card-header>
      <mat-card-content>
        <app-page-state [loading]="cameras.loading() && !cameras.value()" [error]="cameras.error()"
          [empty]="cameras.value()?.length === 0" emptyText="No cameras configured." emptyIcon="videocam_off"
          (retry)="cameras.load()">
          <ul class="cams">
            @for (c of cameras.value(); track c.camera.id) {
              <li>
                <a [routerLink]="['/live', c.camera.id]" class="name">{{ c.camera.name }}</a>
                <span class="muted small">{{ c.camera.id }} · {{ c.camera.role }}</span>
                <span class="spacer"></span>
                @if (c.status; as s) {
                  <span class="small muted nowrap">{{ s.input_fps.toFixed(1) }} fps</span>
                }
                <app-status-chip [status]="state(c)" [matTooltip]="detail(c)" />
              </li>
            }
          </ul>
        </app-page-state>
      </mat-card-content>
    </mat-card>
  `,
  styles: `
    .cams { list-style: none; margin: 8px 0 0; padding: 0; }
    li { display: flex; align-items: center; gap: 8px; padding: 8px 0; border-bottom: 1px solid var(--mat-sys-outline-variant); }
    li > .muted { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
    li:last-child { border-bottom: 0; }
    .name { font: var(--mat-sys-title-small); color: inherit; white-space: nowrap; }
  `,
})
export class CameraHealthCard {
  private readonly api = inject(FactoryApi);
  readonly cameras = new Loadable(() => loadCameraHealth(this.api));
  readonly state = cameraState;

  constructor() {
    void this.cameras.load();
    poll(() => void this.cameras.load(), 15000);
  }

  detail(c: CameraWithStatus): string {
    if (c.statusError) return c.statusError;
    const s = c.status;
    if (!s) return 'disabled';
    const parts = [`last frame ${formatAge(s.last_frame_age_seconds)}`, `${s.reconnects} reconnects`];
    if (s.last_error) parts.push(`last error: ${s.last_error}`);
    return parts.join(' · ');
  }
}

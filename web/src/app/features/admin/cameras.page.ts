import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { RouterLink } from '@angular/router';
import { FactoryApi } from '../../api/factory-api';
import { deleteCamera } from '../../api/fn/cameras/delete-camera';
import { CameraRead } from '../../api/models';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import { cameraState, loadCameraHealth } from '../dashboard/camera-health-card';
import { CameraDialog } from './camera-dialog';

@Component({
  selector: 'app-cameras-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, RouterLink, PageState, StatusChip],
  template: `
    <div class="page">
      <div class="page-header">
        <h1>Cameras</h1>
        <button mat-flat-button type="button" (click)="edit(null)"><mat-icon>add</mat-icon>Add camera</button>
      </div>
      <app-page-state [loading]="cameras.loading()" [error]="cameras.error()" [empty]="cameras.value()?.length === 0"
        emptyText="No cameras yet." emptyIcon="videocam_off" (retry)="cameras.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Id</th><th>Name</th><th>Role</th><th>Source</th><th>Status</th><th class="num">Input fps</th><th>Last error</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (c of cameras.value(); track c.camera.id) {
                <tr>
                  <td class="mono">{{ c.camera.id }}</td>
                  <td><a [routerLink]="['/live', c.camera.id]">{{ c.camera.name }}</a></td>
                  <td>{{ c.camera.role }}</td>
                  <td class="mono small">{{ c.camera.source_url ?? '—' }}</td>
                  <td><app-status-chip [status]="state(c)" /></td>
                  <td class="num">{{ c.status ? c.status.input_fps.toFixed(1) : '—' }}</td>
                  <td class="small">{{ c.status?.last_error ?? '' }}</td>
                  <td class="actions">
                    <button mat-icon-button type="button" (click)="edit(c.camera)" [attr.aria-label]="'Edit ' + c.camera.name"><mat-icon>edit</mat-icon></button>
                    <button mat-icon-button type="button" (click)="remove(c.camera)" [attr.aria-label]="'Delete ' + c.camera.name"><mat-icon>delete</mat-icon></button>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-page-state>
    </div>
  `,
})
export class CamerasPage {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  readonly cameras = new Loadable(() => loadCameraHealth(this.api));
  readonly state = cameraState;

  constructor() {
    void this.cameras.load();
  }

  edit(c: CameraRead | null): void {
    this.dialog.open(CameraDialog, { data: c, width: c?.role === 'zone' ? '760px' : '560px', maxWidth: '96vw' }).afterClosed().subscribe((saved?: CameraRead) => {
      if (!saved) return;
      this.notify.ok(`Camera ${saved.id} saved`);
      void this.cameras.load();
    });
  }

  async remove(c: CameraRead): Promise<void> {
    if (!(await confirm(this.dialog, { title: 'Delete camera', message: `Delete ${c.id}? A camera with logs cannot be deleted: disable it instead.`, confirm: 'Delete', danger: true }))) return;
    try {
      await this.api.invoke(deleteCamera, { camera_id: c.id });
      this.notify.ok(`${c.id} deleted`);
      await this.cameras.load();
    } catch (err) {
      this.notify.error(err);
    }
  }
}

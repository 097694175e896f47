import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { createApiKey } from '../../api/fn/accounts/create-api-key';
import { listApiKeys } from '../../api/fn/accounts/list-api-keys';
import { revokeApiKey } from '../../api/fn/accounts/revoke-api-key';
import { listCameras } from '../../api/fn/cameras/list-cameras';
import { ApiKeyCreated, ApiKeyRead, ApiKeyScope } from '../../api/models';
import { formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';

@Component({
  selector: 'app-api-keys-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatCheckboxModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatIconModule, PageState],
  template: `
    <div class="page">
      <div class="page-header"><h1>API keys</h1></div>
      <form class="card-block filters" (ngSubmit)="create()" aria-label="Create a device API key">
        <mat-form-field>
          <mat-label>Device name</mat-label>
          <input matInput name="name" [(ngModel)]="name" required maxlength="100" placeholder="gate box" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Scopes</mat-label>
          <mat-select name="scopes" [(ngModel)]="scopes" multiple required>
            <mat-option value="ingest">ingest (camera events)</mat-option>
            <mat-option value="metrics">metrics (Prometheus)</mat-option>
          </mat-select>
        </mat-form-field>
        <mat-form-field class="wide">
          <mat-label>Cameras it speaks for</mat-label>
          <mat-select name="cams" [(ngModel)]="cameraIds" multiple>
            @for (c of cameras.value(); track c.id) { <mat-option [value]="c.id">{{ c.id }} — {{ c.name }}</mat-option> }
          </mat-select>
          <mat-hint>An ingest key should be bound to its cameras</mat-hint>
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="saving() || !name.trim() || !scopes.length">Create key</button>
      </form>
      @if (created(); as k) {
        <div class="card-block secret" role="alert">
          <strong>Copy this key now — it is shown only once.</strong>
          <div class="mono key">{{ k.key }}</div>
          @if (k.warning) { <p class="small">{{ k.warning }}</p> }
          <button mat-stroked-button type="button" (click)="copy(k.key)"><mat-icon>content_copy</mat-icon>Copy</button>
          <button mat-button type="button" (click)="created.set(null)">Done</button>
        </div>
      }
      <app-page-state [loading]="keys.loading()" [error]="keys.error()" [empty]="keys.value()?.items?.length === 0"
        emptyText="No API keys yet." emptyIcon="key_off" (retry)="keys.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Name</th><th>Prefix</th><th>Scopes</th><th>Cameras</th><th>Created</th><th>Last used</th><th>Status</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (k of keys.value()?.items; track k.id) {
                <tr>
                  <td>{{ k.name }} @if (k.warning) { <div class="small warn">{{ k.warning }}</div> }</td>
                  <td class="mono">{{ k.key_prefix }}…</td>
                  <td>{{ k.scopes.join(', ') }}</td>
                  <td>{{ k.camera_ids.length ? k.camera_ids.join(', ') : 'any (unbound)' }}</td>
                  <td class="nowrap">{{ time(k.created_at) }}</td>
                  <td class="nowrap">{{ k.last_used_at ? time(k.last_used_at) : 'never' }}</td>
                  <td><span [class]="k.revoked_at ? 'chip chip-neutral' : 'chip chip-ok'">{{ k.revoked_at ? 'Revoked' : 'Active' }}</span></td>
                  <td class="actions">
                    @if (!k.revoked_at) { <button mat-button type="button" (click)="revoke(k)" [attr.aria-label]="'Revoke ' + k.name">Revoke</button> }
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-page-state>
    </div>
  `,
  styles: `
    .wide { flex: 1 1 280px; }
    .secret { background: #fff0c2; }
    .key { word-break: break-all; padding: 8px 0; font-size: 1rem; }
    .warn { color: #6b4d00; }
  `,
})
export class ApiKeysPage {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  readonly keys = new Loadable(() => this.api.invoke(listApiKeys, { limit: 500 }));
  readonly cameras = new Loadable(() => this.api.invoke(listCameras, { limit: 200 }).then((p) => p.items));
  readonly created = signal<ApiKeyCreated | null>(null);
  readonly saving = signal(false);
  name = '';
  scopes: ApiKeyScope[] = ['ingest'];
  cameraIds: string[] = [];
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.keys.load();
    void this.cameras.load();
  }

  async create(): Promise<void> {
    this.saving.set(true);
    try {
      const key = await this.api.invoke(createApiKey, { body: { name: this.name.trim(), scopes: this.scopes, camera_ids: this.cameraIds } });
      this.created.set(key);
      this.name = '';
      this.cameraIds = [];
      await this.keys.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.saving.set(false);
    }
  }

  async copy(text: string): Promise<void> {
    try {
      await navigator.clipboard.writeText(text);
      this.notify.ok('Key copied');
    } catch {
      this.notify.error('Could not copy; select the key and copy it by hand.');
    }
  }

  async revoke(k: ApiKeyRead): Promise<void> {
    if (!(await confirm(this.dialog, { title: 'Revoke key', message: `Revoke ${k.name}? Devices using it stop working at once.`, confirm: 'Revoke', danger: true }))) return;
    try {
      await this.api.invoke(revokeApiKey, { key_id: k.id });
      this.notify.ok(`${k.name} revoked`);
      await this.keys.load();
    } catch (err) {
      this.notify.error(err);
    }
  }
}

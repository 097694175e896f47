import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialog, MatDialogModule } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { MatProgressBarModule } from '@angular/material/progress-bar';
import { FactoryApi } from '../../api/factory-api';
import { enrollEmployeeFaces } from '../../api/fn/identity/enroll-employee-faces';
import { eraseEmployeeFaces } from '../../api/fn/identity/erase-employee-faces';
import { listEmployeeFaces } from '../../api/fn/identity/list-employee-faces';
import { EmployeeRead } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';
import { formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { PhotoResult, photoResults } from './faces';

const MAX_PHOTOS = 5;

@Component({
  selector: 'app-faces-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatDialogModule, MatButtonModule, MatIconModule, MatProgressBarModule, PageState],
  template: `
    <h2 mat-dialog-title>Face enrolment — {{ employee.name }}</h2>
    <mat-dialog-content>
      <p class="muted small">Enrol 3 to 5 photos taken on different days, in different light, head slightly turned. Each photo must show exactly one face.</p>
      <h3>Enrolled</h3>
      <app-page-state [loading]="faces.loading()" [error]="faces.error()" [empty]="faces.value()?.length === 0"
        emptyText="No face enrolled yet." emptyIcon="face" (retry)="faces.load()">
        <ul class="list">
          @for (f of faces.value(); track f.id) {
            <li>{{ f.source_name ?? 'photo #' + f.id }} <span class="muted small">· {{ time(f.created_at) }} · {{ f.engine }}</span></li>
          }
        </ul>
      </app-page-state>
      @if (recommendation(); as r) { <p class="tip" role="status">{{ r }}</p> }

      <h3>Add photos</h3>
      <div class="upload">
        <input #file type="file" accept="image/jpeg,image/png" multiple (change)="pick(file.files); file.value = ''" class="cdk-visually-hidden" tabindex="-1" aria-hidden="true" />
        <button mat-stroked-button type="button" (click)="file.click()"><mat-icon>add_photo_alternate</mat-icon>Choose photos (1–5)</button>
        @if (files().length) {
          <ul class="list" aria-live="polite">
            @for (r of results(); track r.name) {
              <li [class]="r.state">
                <mat-icon aria-hidden="true">{{ icon(r.state) }}</mat-icon>
                <span>{{ r.name }}</span>
                @if (r.reason) { <span class="reason">— {{ r.reason }}</span> }
              </li>
            }
          </ul>
        }
        @if (busy()) { <mat-progress-bar mode="indeterminate" aria-label="Uploading" /> }
        @if (error(); as e) { <p class="error" role="alert">{{ e }}</p> }
      </div>
    </mat-dialog-content>
    <mat-dialog-actions align="end">
      @if (faces.value()?.length) {
        <button mat-button type="button" class="danger" (click)="erase()">Erase face data</button>
      }
      <span class="spacer"></span>
      <button mat-button type="button" mat-dialog-close>Close</button>
      @if (hasRefused()) {
        <button mat-stroked-button type="button" (click)="dropRefused()" [disabled]="busy()">Remove refused photos</button>
      }
      <button mat-flat-button type="button" (click)="upload()" [disabled]="busy() || !sendable()">Enrol</button>
    </mat-dialog-actions>
  `,
  styles: `
    h3 { font: var(--mat-sys-title-small); margin: 16px 0 4px; }
    .list { list-style: none; padding: 0; margin: 4px 0; }
    .list li { display: flex; align-items: center; gap: 6px; padding: 4px 0; flex-wrap: wrap; }
    .list li.refused { color: var(--mat-sys-error); }
    .list li.enrolled { color: #0b5d1e; }
    .reason { font: var(--mat-sys-body-small); }
    .tip { background: var(--mat-sys-secondary-container); padding: 8px 12px; border-radius: 8px; }
    .error { color: var(--mat-sys-error); }
    .danger { color: var(--mat-sys-error); }
  `,
})
export class FacesDialog {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  private readonly dialog = inject(MatDialog);
  readonly employee = inject<EmployeeRead>(MAT_DIALOG_DATA);
  readonly faces = new Loadable(() => this.api.invoke(listEmployeeFaces, { employee_id: this.employee.id }));
  readonly files = signal<File[]>([]);
  readonly results = signal<PhotoResult[]>([]);
  readonly busy = signal(false);
  readonly error = signal<string | null>(null);
  readonly recommendation = signal<string | null>(null);
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.faces.load();
  }

  pick(list: FileList | null): void {
    const picked = Array.from(list ?? []).slice(0, MAX_PHOTOS);
    this.error.set(list && list.length > MAX_PHOTOS ? `At most ${MAX_PHOTOS} photos at a time; the first ${MAX_PHOTOS} were kept.` : null);
    this.files.set(picked);
    this.results.set(picked.map((f) => ({ name: f.name, state: 'waiting' })));
  }

  sendable(): boolean {
    return this.files().length > 0 && this.results().some((r) => r.state !== 'enrolled');
  }

  hasRefused(): boolean {
    return this.results().some((r) => r.state === 'refused');
  }

  dropRefused(): void {
    const refused = new Set(this.results().filter((r) => r.state === 'refused').map((r) => r.name));
    this.files.update((fs) => fs.filter((f) => !refused.has(f.name)));
    this.results.set(this.files().map((f) => ({ name: f.name, state: 'waiting' })));
  }

  icon(state: PhotoResult['state']): string {
    return { waiting: 'schedule', enrolled: 'check_circle', refused: 'error', 'not-sent': 'replay' }[state];
  }

  async upload(): Promise<void> {
    const files = this.files();
    if (!files.length) return;
    this.busy.set(true);
    this.error.set(null);
    const names = files.map((f) => f.name);
    try {
      const enrolled = await this.api.invoke(enrollEmployeeFaces, {
        employee_id: this.employee.id,
        body: { images: files as unknown as string[] },
      });
      this.results.set(photoResults(names, { ok: true }));
      this.recommendation.set(enrolled.at(-1)?.recommendation ?? null);
      this.notify.ok(`${enrolled.length} photo(s) enrolled`);
      this.files.set([]);
      await this.faces.load();
    } catch (err) {
      const results = photoResults(names, { ok: false, error: err });
      this.results.set(results);
      if (!results.some((r) => r.state === 'refused')) this.error.set(apiErrorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }

  async erase(): Promise<void> {
    const ok = await confirm(this.dialog, {
      title: 'Erase face data',
      message: `Erase every enrolled face of ${this.employee.name}, and their snapshots? They will not be recognised until enrolled again.`,
      confirm: 'Erase',
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await this.api.invoke(eraseEmployeeFaces, { employee_id: this.employee.id });
      this.notify.ok(`${r.faces_removed} face(s) and ${r.snapshots_deleted} snapshot(s) erased`);
      await this.faces.load();
    } catch (err) {
      this.notify.error(err);
    }
  }
}

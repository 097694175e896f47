import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { FactoryApi } from '../../api/factory-api';
import { createCamera } from '../../api/fn/cameras/create-camera';
import { updateCamera } from '../../api/fn/cameras/update-camera';
import { CameraRead, CameraRole, CameraSettings } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';
import { toSignal } from '@angular/core/rxjs-interop';
import { CountingLineEditor } from './counting-line/counting-line-editor';
import { DEFAULT_LINE, InSide, Line, lineProblem, parseLine } from './counting-line/geometry';

const num = (v: unknown): number | null => (v === '' || v === null || v === undefined ? null : Number(v));

@Component({
  selector: 'app-camera-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatSlideToggleModule, CountingLineEditor],
  template: `
    <h2 mat-dialog-title>{{ camera ? 'Edit ' + camera.name : 'Add a camera' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()">
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>Camera id</mat-label>
          <input matInput formControlName="id" required maxlength="50" placeholder="CAM-GATE-2" />
          <mat-hint>Devices and workers name the camera by this id; it cannot change</mat-hint>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" required maxlength="100" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Source URL</mat-label>
          <input matInput formControlName="source_url" required placeholder="rtsp://user:pass@10.0.0.5/stream1" autocomplete="off" />
          <mat-hint>Stored secrets show as ***; leave them masked to keep them</mat-hint>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Role</mat-label>
          <mat-select formControlName="role" required>
            <mat-option value="entrance">Entrance (check-in)</mat-option>
            <mat-option value="exit">Exit (check-out)</mat-option>
            <mat-option value="gate">Vehicle gate</mat-option>
            <mat-option value="zone">Zone (people counting)</mat-option>
          </mat-select>
        </mat-form-field>
        <div class="two">
          <mat-form-field>
            <mat-label>Analysis fps</mat-label>
            <input matInput type="number" min="0" step="0.5" formControlName="analysis_fps" />
            <mat-hint>Empty: the site default</mat-hint>
          </mat-form-field>
          <mat-form-field>
            <mat-label>Min. detection confidence</mat-label>
            <input matInput type="number" min="0" max="1" step="0.05" formControlName="min_confidence" />
          </mat-form-field>
        </div>
        @if (role() === 'zone') {
          <mat-form-field>
            <mat-label>Capacity (people)</mat-label>
            <input matInput type="number" min="1" formControlName="capacity" />
            <mat-hint>An alert is raised above it</mat-hint>
          </mat-form-field>
          <section class="line-section" aria-labelledby="line-title">
            <h3 id="line-title" class="section-title">Counting line</h3>
            @if (!hadLine) { <p class="small warn-text">This camera has no counting line yet: it counts nobody until one is saved.</p> }
            <app-counting-line-editor [cameraId]="camera?.id ?? null" [enabled]="camera?.enabled ?? false"
              [(line)]="line" [(inSide)]="inSide" />
          </section>
        }
        <mat-slide-toggle formControlName="detection_enabled">AI detection</mat-slide-toggle>
        <mat-slide-toggle formControlName="enabled">Enabled</mat-slide-toggle>
        @if (error(); as e) { <p class="error" role="alert">{{ e }}</p> }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `
    .two { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; }
    .error { color: var(--mat-sys-error); margin: 0; }
    .line-section { margin: 8px 0; }
    .warn-text { color: #6b4d00; background: #fff0c2; padding: 6px 10px; border-radius: 8px; margin: 0 0 8px; }
    @media (max-width: 520px) { .two { grid-template-columns: 1fr; } }
  `,
})
export class CameraDialog {
  private readonly api = inject(FactoryApi);
  private readonly ref = inject(MatDialogRef<CameraDialog, CameraRead>);
  readonly camera = inject<CameraRead | null>(MAT_DIALOG_DATA);
  readonly saving = signal(false);
  readonly error = signal<string | null>(null);
  private readonly s = this.camera?.settings;
  readonly form = inject(FormBuilder).nonNullable.group({
    id: [{ value: this.camera?.id ?? '', disabled: !!this.camera }, [Validators.required, Validators.maxLength(50)]],
    name: [this.camera?.name ?? '', Validators.required],
    source_url: [this.camera?.source_url ?? '', Validators.required],
    role: [(this.camera?.role ?? 'zone') as CameraRole, Validators.required],
    enabled: [this.camera?.enabled ?? true],
    analysis_fps: [this.s?.analysis_fps ?? ('' as number | '')],
    min_confidence: [this.s?.min_confidence ?? ('' as number | '')],
    capacity: [this.s?.capacity ?? ('' as number | '')],
    detection_enabled: [this.s?.detection_enabled ?? true],
  });
  readonly role = toSignal(this.form.controls.role.valueChanges, { initialValue: this.form.controls.role.value });
  /** Zone cameras: the counting line and its inside, edited on the camera's picture. */
  readonly hadLine = parseLine(this.s?.counting_line) !== null;
  readonly line = signal<Line>(parseLine(this.s?.counting_line) ?? DEFAULT_LINE);
  readonly inSide = signal<InSide>(this.s?.in_side ?? 'left');

  async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const problem = v.role === 'zone' ? lineProblem(this.line()) : null;
    if (problem) {
      this.error.set(problem);
      return;
    }
    // Keep what this form does not edit (the counting line and its side).
    const settings: CameraSettings = {
      ...(this.s ?? {}),
      analysis_fps: num(v.analysis_fps),
      min_confidence: num(v.min_confidence),
      capacity: v.role === 'zone' ? num(v.capacity) : (this.s?.capacity ?? null),
      detection_enabled: v.detection_enabled,
      ...(v.role === 'zone' ? { counting_line: this.line(), in_side: this.inSide() } : {}),
    };
    this.saving.set(true);
    this.error.set(null);
    try {
      const saved = this.camera
        ? await this.api.invoke(updateCamera, {
            camera_id: this.camera.id,
            body: { name: v.name.trim(), source_url: v.source_url.trim(), role: v.role, enabled: v.enabled, settings },
          })
        : await this.api.invoke(createCamera, {
            body: { id: v.id.trim(), name: v.name.trim(), source_url: v.source_url.trim(), role: v.role, enabled: v.enabled, settings },
          });
      this.ref.close(saved);
    } catch (err) {
      this.error.set(apiErrorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }
}

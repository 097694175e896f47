import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { FactoryApi } from '../../api/factory-api';
import { createShift } from '../../api/fn/organization/create-shift';
import { updateShift } from '../../api/fn/organization/update-shift';
import { ShiftRead } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';

/** "08:00:00" → "08:00" for an input type=time, and back ("08:00" is what the API takes). */
export const hhmm = (t: string | null | undefined) => (t ?? '').slice(0, 5);

@Component({
  selector: 'app-shift-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSlideToggleModule],
  template: `
    <h2 mat-dialog-title>{{ shift ? 'Edit ' + shift.shift_name : 'Add a shift' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()">
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="shift_name" required maxlength="50" />
          <mat-error>Enter a name</mat-error>
        </mat-form-field>
        <div class="two">
          <mat-form-field>
            <mat-label>Starts</mat-label>
            <input matInput type="time" formControlName="start_time" required />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Ends</mat-label>
            <input matInput type="time" formControlName="end_time" required />
            <mat-hint>Before the start: ends the next day</mat-hint>
          </mat-form-field>
        </div>
        <div class="two">
          <mat-form-field>
            <mat-label>Grace (minutes)</mat-label>
            <input matInput type="number" min="0" formControlName="grace_period_minutes" />
          </mat-form-field>
          <mat-form-field>
            <mat-label>Early-exit grace (minutes)</mat-label>
            <input matInput type="number" min="0" formControlName="early_exit_grace_minutes" />
          </mat-form-field>
        </div>
        <mat-form-field>
          <mat-label>Check-in opens (minutes before start)</mat-label>
          <input matInput type="number" min="0" formControlName="checkin_window_before_minutes" />
        </mat-form-field>
        <mat-slide-toggle formControlName="is_active">Active</mat-slide-toggle>
        @if (error(); as e) { <p class="error" role="alert">{{ e }}</p> }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `.two { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; } .error { color: var(--mat-sys-error); margin: 0; }`,
})
export class ShiftDialog {
  private readonly api = inject(FactoryApi);
  private readonly ref = inject(MatDialogRef<ShiftDialog, ShiftRead>);
  readonly shift = inject<ShiftRead | null>(MAT_DIALOG_DATA);
  readonly saving = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group({
    shift_name: [this.shift?.shift_name ?? '', Validators.required],
    start_time: [hhmm(this.shift?.start_time) || '08:00', Validators.required],
    end_time: [hhmm(this.shift?.end_time) || '17:00', Validators.required],
    grace_period_minutes: [this.shift?.grace_period_minutes ?? 5],
    early_exit_grace_minutes: [this.shift?.early_exit_grace_minutes ?? 0],
    checkin_window_before_minutes: [this.shift?.checkin_window_before_minutes ?? 60],
    is_active: [this.shift?.is_active ?? true],
  });

  async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const body = { ...v, shift_name: v.shift_name.trim(), grace_period_minutes: Number(v.grace_period_minutes),
      early_exit_grace_minutes: Number(v.early_exit_grace_minutes), checkin_window_before_minutes: Number(v.checkin_window_before_minutes) };
    this.saving.set(true);
    this.error.set(null);
    try {
      const saved = this.shift
        ? await this.api.invoke(updateShift, { shift_id: this.shift.id, body })
        : await this.api.invoke(createShift, { body });
      this.ref.close(saved);
    } catch (err) {
      this.error.set(apiErrorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }
}

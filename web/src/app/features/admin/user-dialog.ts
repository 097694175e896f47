import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { FactoryApi } from '../../api/factory-api';
import { createUser } from '../../api/fn/accounts/create-user';
import { updateUser } from '../../api/fn/accounts/update-user';
import { Role, UserRead, UserUpdate } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';
import { ALL_ROLES, ROLE_LABELS } from '../../core/roles';

@Component({
  selector: 'app-user-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatSlideToggleModule],
  template: `
    <h2 mat-dialog-title>{{ user ? 'Edit ' + user.username : 'Add a user' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()">
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>Username</mat-label>
          <input matInput formControlName="username" required autocomplete="off" autocapitalize="none" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Full name</mat-label>
          <input matInput formControlName="full_name" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Role</mat-label>
          <mat-select formControlName="role" required>
            @for (r of roles; track r) { <mat-option [value]="r">{{ labels[r] }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>{{ user ? 'New password (optional)' : 'Password' }}</mat-label>
          <input matInput type="password" formControlName="password" autocomplete="new-password" [required]="!user" />
          @if (user) { <mat-hint>Changing the password, role or active flag logs the user out everywhere</mat-hint> }
        </mat-form-field>
        @if (user) { <mat-slide-toggle formControlName="is_active">Active</mat-slide-toggle> }
        @if (error(); as e) { <p class="error" role="alert">{{ e }}</p> }
      </mat-dialog-content>
      <mat-dialog-actions align="end">
        <button mat-button type="button" mat-dialog-close>Cancel</button>
        <button mat-flat-button type="submit" [disabled]="saving()">Save</button>
      </mat-dialog-actions>
    </form>
  `,
  styles: `.error { color: var(--mat-sys-error); margin: 0; }`,
})
export class UserDialog {
  private readonly api = inject(FactoryApi);
  private readonly ref = inject(MatDialogRef<UserDialog, UserRead>);
  readonly user = inject<UserRead | null>(MAT_DIALOG_DATA);
  readonly roles = ALL_ROLES;
  readonly labels = ROLE_LABELS;
  readonly saving = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).nonNullable.group({
    username: [{ value: this.user?.username ?? '', disabled: !!this.user }, Validators.required],
    full_name: [this.user?.full_name ?? ''],
    role: [(this.user?.role ?? 'viewer') as Role, Validators.required],
    password: ['', this.user ? [] : [Validators.required]],
    is_active: [this.user?.is_active ?? true],
  });

  async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.saving.set(true);
    this.error.set(null);
    try {
      let saved: UserRead;
      if (this.user) {
        const body: UserUpdate = {};
        if ((v.full_name || null) !== this.user.full_name) body.full_name = v.full_name.trim() || null;
        if (v.role !== this.user.role) body.role = v.role;
        if (v.is_active !== this.user.is_active) body.is_active = v.is_active;
        if (v.password) body.password = v.password;
        saved = await this.api.invoke(updateUser, { user_id: this.user.id, body });
      } else {
        saved = await this.api.invoke(createUser, {
          body: { username: v.username.trim(), password: v.password, role: v.role, full_name: v.full_name.trim() || null },
        });
      }
      this.ref.close(saved);
    } catch (err) {
      this.error.set(apiErrorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }
}

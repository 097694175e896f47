import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MAT_DIALOG_DATA, MatDialogModule, MatDialogRef } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { MatSlideToggleModule } from '@angular/material/slide-toggle';
import { FactoryApi } from '../../api/factory-api';
import { createEmployee } from '../../api/fn/organization/create-employee';
import { updateEmployee } from '../../api/fn/organization/update-employee';
import { DepartmentRead, EmployeeRead, ShiftRead } from '../../api/models';
import { apiErrorMessage } from '../../core/api-error';

export interface EmployeeDialogData {
  employee: EmployeeRead | null;
  departments: DepartmentRead[];
  shifts: ShiftRead[];
}

@Component({
  selector: 'app-employee-dialog',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatDialogModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatSlideToggleModule],
  template: `
    <h2 mat-dialog-title>{{ data.employee ? 'Edit ' + data.employee.name : 'Add an employee' }}</h2>
    <form [formGroup]="form" (ngSubmit)="save()">
      <mat-dialog-content class="dialog-form">
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput formControlName="name" required maxlength="100" cdkFocusInitial />
          <mat-error>Enter a name</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Email</mat-label>
          <input matInput type="email" formControlName="email" required autocomplete="off" />
          <mat-error>Enter a valid email</mat-error>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Department</mat-label>
          <mat-select formControlName="department_id">
            <mat-option [value]="null">None</mat-option>
            @for (d of data.departments; track d.id) { <mat-option [value]="d.id">{{ d.name }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Shift</mat-label>
          <mat-select formControlName="shift_id">
            <mat-option [value]="null">None</mat-option>
            @for (s of data.shifts; track s.id) { <mat-option [value]="s.id">{{ s.shift_name }} ({{ s.start_time.slice(0, 5) }}–{{ s.end_time.slice(0, 5) }})</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Joined on</mat-label>
          <input matInput type="date" formControlName="joined_on" />
          <mat-hint>Nobody is marked absent before this day</mat-hint>
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
  styles: `.error { color: var(--mat-sys-error); margin: 0; }`,
})
export class EmployeeDialog {
  private readonly api = inject(FactoryApi);
  private readonly ref = inject(MatDialogRef<EmployeeDialog, EmployeeRead>);
  readonly data = inject<EmployeeDialogData>(MAT_DIALOG_DATA);
  readonly saving = signal(false);
  readonly error = signal<string | null>(null);
  readonly form = inject(FormBuilder).group({
    name: [this.data.employee?.name ?? '', [Validators.required, Validators.maxLength(100)]],
    email: [this.data.employee?.email ?? '', [Validators.required, Validators.email]],
    department_id: [this.data.employee?.department_id ?? null as number | null],
    shift_id: [this.data.employee?.shift_id ?? null as number | null],
    joined_on: [this.data.employee?.joined_on ?? ''],
    is_active: [this.data.employee?.is_active ?? true],
  });

  async save(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    const body = {
      name: (v.name ?? '').trim(),
      email: (v.email ?? '').trim(),
      department_id: v.department_id,
      shift_id: v.shift_id,
      is_active: v.is_active ?? true,
      ...(v.joined_on ? { joined_on: v.joined_on } : {}),
    };
    this.saving.set(true);
    this.error.set(null);
    try {
      const saved = this.data.employee
        ? await this.api.invoke(updateEmployee, { employee_id: this.data.employee.id, body })
        : await this.api.invoke(createEmployee, { body });
      this.ref.close(saved);
    } catch (err) {
      this.error.set(apiErrorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }
}

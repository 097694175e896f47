import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { FactoryApi } from '../../api/factory-api';
import { createDepartment } from '../../api/fn/organization/create-department';
import { deleteDepartment } from '../../api/fn/organization/delete-department';
import { listDepartments } from '../../api/fn/organization/list-departments';
import { updateDepartment } from '../../api/fn/organization/update-department';
import { DepartmentRead } from '../../api/models';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';

@Component({
  selector: 'app-departments-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatIconModule, PageState],
  template: `
    <div class="page">
      <div class="page-header"><h1>Departments</h1></div>
      <form class="card-block filters" (ngSubmit)="save()" [attr.aria-label]="editing() ? 'Edit department' : 'Add a department'">
        <mat-form-field>
          <mat-label>Name</mat-label>
          <input matInput name="name" [(ngModel)]="name" required maxlength="100" />
        </mat-form-field>
        <mat-form-field class="grow">
          <mat-label>Description</mat-label>
          <input matInput name="description" [(ngModel)]="description" maxlength="255" />
        </mat-form-field>
        <button mat-flat-button type="submit" [disabled]="saving() || !name.trim()">{{ editing() ? 'Save' : 'Add' }}</button>
        @if (editing()) { <button mat-button type="button" (click)="cancel()">Cancel</button> }
      </form>
      <app-page-state [loading]="departments.loading()" [error]="departments.error()" [empty]="departments.value()?.items?.length === 0"
        emptyText="No departments yet." emptyIcon="corporate_fare" (retry)="departments.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Name</th><th>Description</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (d of departments.value()?.items; track d.id) {
                <tr>
                  <td>{{ d.name }}</td>
                  <td>{{ d.description ?? '' }}</td>
                  <td class="actions">
                    <button mat-icon-button type="button" (click)="edit(d)" [attr.aria-label]="'Edit ' + d.name"><mat-icon>edit</mat-icon></button>
                    <button mat-icon-button type="button" (click)="remove(d)" [attr.aria-label]="'Delete ' + d.name"><mat-icon>delete</mat-icon></button>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-page-state>
    </div>
  `,
  styles: `.grow { flex: 1 1 260px; }`,
})
export class DepartmentsPage {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  private readonly dialog = inject(MatDialog);
  readonly departments = new Loadable(() => this.api.invoke(listDepartments, { limit: 500 }));
  readonly editing = signal<DepartmentRead | null>(null);
  readonly saving = signal(false);
  name = '';
  description = '';

  constructor() {
    void this.departments.load();
  }

  edit(d: DepartmentRead): void {
    this.editing.set(d);
    this.name = d.name;
    this.description = d.description ?? '';
  }

  cancel(): void {
    this.editing.set(null);
    this.name = this.description = '';
  }

  async save(): Promise<void> {
    const body = { name: this.name.trim(), description: this.description.trim() || null };
    if (!body.name) return;
    this.saving.set(true);
    try {
      const current = this.editing();
      if (current) await this.api.invoke(updateDepartment, { department_id: current.id, body });
      else await this.api.invoke(createDepartment, { body });
      this.notify.ok(`Department ${body.name} saved`);
      this.cancel();
      await this.departments.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.saving.set(false);
    }
  }

  async remove(d: DepartmentRead): Promise<void> {
    if (!(await confirm(this.dialog, { title: 'Delete department', message: `Delete ${d.name}?`, confirm: 'Delete', danger: true }))) return;
    try {
      await this.api.invoke(deleteDepartment, { department_id: d.id });
      this.notify.ok(`${d.name} deleted`);
      await this.departments.load();
    } catch (err) {
      this.notify.error(err); // 409 says which employees are still in it
    }
  }
}

import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatPaginatorModule, PageEvent } from '@angular/material/paginator';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { listEmployees } from '../../api/fn/organization/list-employees';
import { EmployeeRead } from '../../api/models';
import { formatDate } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { OrgLookups } from '../attendance/employees.store';
import { EmployeeDialog } from './employee-dialog';
import { FacesDialog } from './faces-dialog';

@Component({
  selector: 'app-people-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatIconModule, MatPaginatorModule, PageState],
  providers: [OrgLookups],
  template: `
    <div class="page">
      <div class="page-header">
        <h1>Employees</h1>
        <button mat-flat-button type="button" (click)="edit(null)"><mat-icon>person_add</mat-icon>Add employee</button>
      </div>
      <form class="filters" (ngSubmit)="search()" role="search" aria-label="Find employees">
        <mat-form-field>
          <mat-label>Name or email</mat-label>
          <input matInput name="q" [(ngModel)]="q" maxlength="100" autocomplete="off" />
        </mat-form-field>
        <mat-form-field>
          <mat-label>Department</mat-label>
          <mat-select name="dep" [(ngModel)]="department" (selectionChange)="search()">
            <mat-option [value]="null">All</mat-option>
            @for (d of org.departments.value(); track d.id) { <mat-option [value]="d.id">{{ d.name }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Shift</mat-label>
          <mat-select name="shift" [(ngModel)]="shift" (selectionChange)="search()">
            <mat-option [value]="null">All</mat-option>
            @for (s of org.shifts.value(); track s.id) { <mat-option [value]="s.id">{{ s.shift_name }}</mat-option> }
          </mat-select>
        </mat-form-field>
        <mat-form-field>
          <mat-label>Status</mat-label>
          <mat-select name="active" [(ngModel)]="active" (selectionChange)="search()">
            <mat-option [value]="null">All</mat-option>
            <mat-option [value]="true">Active</mat-option>
            <mat-option [value]="false">Inactive</mat-option>
          </mat-select>
        </mat-form-field>
        <button mat-stroked-button type="submit">Search</button>
      </form>
      <app-page-state [loading]="employees.loading()" [error]="employees.error()" [empty]="employees.value()?.items?.length === 0"
        emptyText="No employees match." emptyIcon="badge" (retry)="employees.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Name</th><th>Email</th><th>Department</th><th>Shift</th><th>Joined</th><th>Status</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (e of employees.value()?.items; track e.id) {
                <tr>
                  <td>{{ e.name }}</td>
                  <td>{{ e.email }}</td>
                  <td>{{ org.departmentName()(e.department_id) }}</td>
                  <td>{{ org.shiftName()(e.shift_id) }}</td>
                  <td class="nowrap">{{ date(e.joined_on) }}</td>
                  <td><span class="chip" [class]="e.is_active ? 'chip chip-ok' : 'chip chip-neutral'">{{ e.is_active ? 'Active' : 'Inactive' }}</span></td>
                  <td class="actions">
                    <button mat-button type="button" (click)="faces(e)" [attr.aria-label]="'Face enrolment for ' + e.name"><mat-icon>face</mat-icon>Faces</button>
                    <button mat-icon-button type="button" (click)="edit(e)" [attr.aria-label]="'Edit ' + e.name"><mat-icon>edit</mat-icon></button>
                  </td>
                </tr>
              }
            </tbody>
          </table>
        </div>
        <mat-paginator [length]="employees.value()?.total ?? 0" [pageSize]="pageSize()" [pageIndex]="pageIndex()" [pageSizeOptions]="[25, 50, 100]"
          (page)="onPage($event)" aria-label="Employee pages" />
      </app-page-state>
    </div>
  `,
})
export class PeoplePage {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  readonly org = inject(OrgLookups);
  q = '';
  department: number | null = null;
  shift: number | null = null;
  active: boolean | null = null;
  readonly pageIndex = signal(0);
  readonly pageSize = signal(50);
  private query = { q: '', department: null as number | null, shift: null as number | null, active: null as boolean | null };
  readonly employees = new Loadable(() =>
    this.api.invoke(listEmployees, {
      q: this.query.q || null,
      department_id: this.query.department,
      shift_id: this.query.shift,
      is_active: this.query.active,
      limit: this.pageSize(),
      offset: this.pageIndex() * this.pageSize(),
    }),
  );
  readonly date = formatDate;

  constructor() {
    void this.org.departments.load();
    void this.org.shifts.load();
    void this.employees.load();
  }

  search(): void {
    this.query = { q: this.q.trim(), department: this.department, shift: this.shift, active: this.active };
    this.pageIndex.set(0);
    void this.employees.load();
  }

  onPage(e: PageEvent): void {
    this.pageIndex.set(e.pageIndex);
    this.pageSize.set(e.pageSize);
    void this.employees.load();
  }

  edit(employee: EmployeeRead | null): void {
    this.dialog
      .open(EmployeeDialog, {
        data: { employee, departments: this.org.departments.value() ?? [], shifts: this.org.shifts.value() ?? [] },
        width: '520px',
        maxWidth: '96vw',
      })
      .afterClosed()
      .subscribe((saved?: EmployeeRead) => {
        if (!saved) return;
        this.notify.ok(`${saved.name} saved`);
        void this.employees.load();
      });
  }

  faces(employee: EmployeeRead): void {
    this.dialog.open(FacesDialog, { data: employee, width: '620px', maxWidth: '96vw' });
  }
}

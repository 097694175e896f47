import { Injectable, computed, inject } from '@angular/core';
import { FactoryApi } from '../../api/factory-api';
import { listDepartments } from '../../api/fn/organization/list-departments';
import { listEmployees } from '../../api/fn/organization/list-employees';
import { listShifts } from '../../api/fn/organization/list-shifts';
import { Loadable } from '../../shared/loadable';

/** Employees, departments and shifts for pickers and name look-ups; loaded once per page, reloadable. */
@Injectable()
export class OrgLookups {
  private readonly api = inject(FactoryApi);
  readonly employees = new Loadable(() => this.api.invoke(listEmployees, { limit: 500 }).then((p) => p.items));
  readonly departments = new Loadable(() => this.api.invoke(listDepartments, { limit: 500 }).then((p) => p.items));
  readonly shifts = new Loadable(() => this.api.invoke(listShifts, { limit: 500 }).then((p) => p.items));
  readonly employeeName = computed(() => {
    const names = new Map((this.employees.value() ?? []).map((e) => [e.id, e.name]));
    return (id: number | null | undefined) => (id == null ? '—' : (names.get(id) ?? `#${id}`));
  });
  readonly departmentName = computed(() => {
    const names = new Map((this.departments.value() ?? []).map((d) => [d.id, d.name]));
    return (id: number | null | undefined) => (id == null ? '—' : (names.get(id) ?? `#${id}`));
  });
  readonly shiftName = computed(() => {
    const names = new Map((this.shifts.value() ?? []).map((s) => [s.id, s.shift_name]));
    return (id: number | null | undefined) => (id == null ? '—' : (names.get(id) ?? `#${id}`));
  });

  loadAll(): Promise<unknown> {
    return Promise.all([this.employees.load(), this.departments.load(), this.shifts.load()]);
  }
}

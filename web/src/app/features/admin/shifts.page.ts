import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { FactoryApi } from '../../api/factory-api';
import { deleteShift } from '../../api/fn/organization/delete-shift';
import { listShifts } from '../../api/fn/organization/list-shifts';
import { ShiftRead } from '../../api/models';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { ShiftDialog, hhmm } from './shift-dialog';

@Component({
  selector: 'app-shifts-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, PageState],
  template: `
    <div class="page">
      <div class="page-header">
        <h1>Shifts</h1>
        <button mat-flat-button type="button" (click)="edit(null)"><mat-icon>add</mat-icon>Add shift</button>
      </div>
      <app-page-state [loading]="shifts.loading()" [error]="shifts.error()" [empty]="shifts.value()?.items?.length === 0"
        emptyText="No shifts yet." emptyIcon="schedule" (retry)="shifts.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Name</th><th>Hours</th><th class="num">Grace</th><th class="num">Early-exit grace</th><th class="num">Check-in opens</th><th>Status</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (s of shifts.value()?.items; track s.id) {
                <tr>
                  <td>{{ s.shift_name }}</td>
                  <td class="nowrap">{{ t(s.start_time) }}–{{ t(s.end_time) }} @if (s.is_overnight) { <span class="chip chip-info">overnight</span> }</td>
                  <td class="num">{{ s.grace_period_minutes }} min</td>
                  <td class="num">{{ s.early_exit_grace_minutes }} min</td>
                  <td class="num">{{ s.checkin_window_before_minutes }} min before</td>
                  <td><span [class]="s.is_active ? 'chip chip-ok' : 'chip chip-neutral'">{{ s.is_active ? 'Active' : 'Inactive' }}</span></td>
                  <td class="actions">
                    <button mat-icon-button type="button" (click)="edit(s)" [attr.aria-label]="'Edit ' + s.shift_name"><mat-icon>edit</mat-icon></button>
                    <button mat-icon-button type="button" (click)="remove(s)" [attr.aria-label]="'Delete ' + s.shift_name"><mat-icon>delete</mat-icon></button>
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
export class ShiftsPage {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  readonly shifts = new Loadable(() => this.api.invoke(listShifts, { limit: 500 }));
  readonly t = hhmm;

  constructor() {
    void this.shifts.load();
  }

  edit(s: ShiftRead | null): void {
    this.dialog.open(ShiftDialog, { data: s, width: '520px', maxWidth: '96vw' }).afterClosed().subscribe((saved?: ShiftRead) => {
      if (!saved) return;
      this.notify.ok(`Shift ${saved.shift_name} saved`);
      void this.shifts.load();
    });
  }

  async remove(s: ShiftRead): Promise<void> {
    if (!(await confirm(this.dialog, { title: 'Delete shift', message: `Delete ${s.shift_name}? A shift in use cannot be deleted: make it inactive instead.`, confirm: 'Delete', danger: true }))) return;
    try {
      await this.api.invoke(deleteShift, { shift_id: s.id });
      this.notify.ok(`${s.shift_name} deleted`);
      await this.shifts.load();
    } catch (err) {
      this.notify.error(err);
    }
  }
}

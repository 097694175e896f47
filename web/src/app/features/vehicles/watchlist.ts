import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormBuilder, ReactiveFormsModule, Validators } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatInputModule } from '@angular/material/input';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { addToWatchlist } from '../../api/fn/vehicles/add-to-watchlist';
import { listWatchlist } from '../../api/fn/vehicles/list-watchlist';
import { removeFromWatchlist } from '../../api/fn/vehicles/remove-from-watchlist';
import { WatchList, WatchlistRead } from '../../api/models';
import { dayBoundaryIso, formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { confirm } from '../../shared/confirm-dialog';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';

@Component({
  selector: 'app-watchlist',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule, MatFormFieldModule, MatInputModule, MatSelectModule, MatButtonModule, MatIconModule, PageState, StatusChip],
  template: `
    <form class="card-block filters" [formGroup]="form" (ngSubmit)="add()" aria-label="Add a plate to the watchlist">
      <mat-form-field>
        <mat-label>Plate number</mat-label>
        <input matInput formControlName="plate_number" maxlength="30" autocomplete="off" required />
        @if (form.controls.plate_number.invalid && form.controls.plate_number.touched) { <mat-error>Enter a plate</mat-error> }
      </mat-form-field>
      <mat-form-field>
        <mat-label>List</mat-label>
        <mat-select formControlName="list" required>
          <mat-option value="blocked">Blocked (alert, never open)</mat-option>
          <mat-option value="allowed">Allowed (open the gate)</mat-option>
        </mat-select>
      </mat-form-field>
      <mat-form-field class="reason">
        <mat-label>Reason</mat-label>
        <input matInput formControlName="reason" maxlength="255" />
      </mat-form-field>
      <mat-form-field>
        <mat-label>Valid until (optional)</mat-label>
        <input matInput type="date" formControlName="valid_until" />
      </mat-form-field>
      <button mat-flat-button type="submit" [disabled]="saving()"><mat-icon>add</mat-icon>Add</button>
    </form>
    <div class="filters">
      <mat-form-field>
        <mat-label>Show</mat-label>
        <mat-select [value]="filter()" (valueChange)="filter.set($event); entries.load()">
          <mat-option [value]="null">Both lists</mat-option>
          <mat-option value="blocked">Blocked</mat-option>
          <mat-option value="allowed">Allowed</mat-option>
        </mat-select>
      </mat-form-field>
    </div>
    <app-page-state [loading]="entries.loading()" [error]="entries.error()" [empty]="entries.value()?.items?.length === 0"
      emptyText="The watchlist is empty." emptyIcon="playlist_remove" (retry)="entries.load()">
      <div class="table-wrap">
        <table class="data">
          <thead><tr><th>Plate</th><th>List</th><th>Reason</th><th>Valid until</th><th>Added</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            @for (e of entries.value()?.items; track e.id) {
              <tr>
                <td class="mono"><strong>{{ e.plate_number }}</strong></td>
                <td><app-status-chip [status]="e.list === 'blocked' ? 'BLOCKED' : 'AUTHORIZED'" [label]="e.list === 'blocked' ? 'Blocked' : 'Allowed'" /></td>
                <td>{{ e.reason ?? '' }}</td>
                <td class="nowrap">{{ e.valid_until ? time(e.valid_until) : 'no end' }}</td>
                <td class="nowrap">{{ time(e.created_at) }}</td>
                <td class="actions"><button mat-icon-button type="button" (click)="remove(e)" [attr.aria-label]="'Remove ' + e.plate_number"><mat-icon>delete</mat-icon></button></td>
              </tr>
            }
          </tbody>
        </table>
      </div>
    </app-page-state>
  `,
  styles: `.reason { flex: 1 1 240px; }`,
})
export class Watchlist {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  private readonly dialog = inject(MatDialog);
  readonly filter = signal<WatchList | null>(null);
  readonly saving = signal(false);
  readonly form = inject(FormBuilder).nonNullable.group({
    plate_number: ['', [Validators.required, Validators.maxLength(30)]],
    list: ['blocked' as WatchList, Validators.required],
    reason: [''],
    valid_until: [''],
  });
  readonly entries = new Loadable(() => this.api.invoke(listWatchlist, { list: this.filter(), limit: 200 }));
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.entries.load();
  }

  async add(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    const v = this.form.getRawValue();
    this.saving.set(true);
    try {
      const entry = await this.api.invoke(addToWatchlist, {
        body: {
          plate_number: v.plate_number.trim().toUpperCase(),
          list: v.list,
          reason: v.reason.trim() || null,
          valid_until: v.valid_until ? dayBoundaryIso(v.valid_until, true) : null,
        },
      });
      this.notify.ok(`${entry.plate_number} added to the ${entry.list} list`);
      this.form.reset({ plate_number: '', list: v.list, reason: '', valid_until: '' });
      await this.entries.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.saving.set(false);
    }
  }

  async remove(e: WatchlistRead): Promise<void> {
    const ok = await confirm(this.dialog, {
      title: 'Remove from watchlist',
      message: `Remove ${e.plate_number} from the ${e.list} list?`,
      confirm: 'Remove',
      danger: true,
    });
    if (!ok) return;
    try {
      await this.api.invoke(removeFromWatchlist, { entry_id: e.id });
      this.notify.ok(`${e.plate_number} removed`);
      await this.entries.load();
    } catch (err) {
      this.notify.error(err);
    }
  }
}

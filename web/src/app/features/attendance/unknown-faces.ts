import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormsModule } from '@angular/forms';
import { MatButtonModule } from '@angular/material/button';
import { MatButtonToggleModule } from '@angular/material/button-toggle';
import { MatCheckboxModule } from '@angular/material/checkbox';
import { MatFormFieldModule } from '@angular/material/form-field';
import { MatIconModule } from '@angular/material/icon';
import { MatSelectModule } from '@angular/material/select';
import { FactoryApi } from '../../api/factory-api';
import { assignUnknownFace } from '../../api/fn/attendance/assign-unknown-face';
import { dismissUnknownFace } from '../../api/fn/identity/dismiss-unknown-face';
import { getUnknownFaceSnapshot } from '../../api/fn/identity/get-unknown-face-snapshot';
import { listUnknownFaces } from '../../api/fn/identity/list-unknown-faces';
import { UnknownFaceRead } from '../../api/models';
import { formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { AuthImage } from '../../shared/auth-image';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { StatusChip } from '../../shared/status-chip';
import { OrgLookups } from './employees.store';

export function unknownFaceSnapshotUrl(id: number): string {
  return getUnknownFaceSnapshot.PATH.replace('{unknown_id}', String(id));
}

interface AssignChoice {
  employeeId: number | null;
  record: boolean;
  enroll: boolean;
}

@Component({
  selector: 'app-unknown-faces',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [FormsModule, MatButtonModule, MatButtonToggleModule, MatCheckboxModule, MatFormFieldModule, MatSelectModule, MatIconModule, PageState, StatusChip, AuthImage],
  template: `
    <div class="filters">
      <mat-button-toggle-group [value]="status()" (change)="status.set($event.value); faces.load()" aria-label="Which faces">
        <mat-button-toggle value="pending">To review</mat-button-toggle>
        <mat-button-toggle value="assigned">Assigned</mat-button-toggle>
        <mat-button-toggle value="dismissed">Dismissed</mat-button-toggle>
      </mat-button-toggle-group>
    </div>
    <app-page-state [loading]="faces.loading()" [error]="faces.error()" [empty]="faces.value()?.items?.length === 0"
      emptyText="No unknown faces here." emptyIcon="face" (retry)="faces.load()">
      <div class="faces">
        @for (f of faces.value()?.items; track f.id) {
          <article class="face card-block" [attr.aria-label]="'Unknown face ' + f.id">
            <app-auth-image [src]="f.snapshot_path ? snap(f.id) : null" [alt]="'Unknown face seen ' + time(f.detected_at)" imgClass="face-img" />
            <div class="meta">
              <div>{{ time(f.detected_at) }} · {{ f.camera_id ?? 'no camera' }}</div>
              <app-status-chip [status]="f.status" />
              @if (f.assigned_employee_id) { <div class="small">Assigned to {{ org.employeeName()(f.assigned_employee_id) }}</div> }
            </div>
            @if (f.status === 'pending') {
              <form class="assign" (ngSubmit)="assign(f)">
                <mat-form-field>
                  <mat-label>Employee</mat-label>
                  <mat-select [(ngModel)]="choice(f.id).employeeId" [name]="'emp' + f.id" required>
                    @for (e of org.employees.value(); track e.id) { <mat-option [value]="e.id">{{ e.name }}</mat-option> }
                  </mat-select>
                </mat-form-field>
                <mat-checkbox [(ngModel)]="choice(f.id).record" [name]="'rec' + f.id">Record attendance at this time</mat-checkbox>
                <mat-checkbox [(ngModel)]="choice(f.id).enroll" [name]="'enr' + f.id">Add this photo to their face enrolment</mat-checkbox>
                <div class="form-actions">
                  <button mat-button type="button" (click)="dismiss(f)" [disabled]="busy() === f.id">Dismiss</button>
                  <button mat-flat-button type="submit" [disabled]="busy() === f.id || !choice(f.id).employeeId">Assign</button>
                </div>
              </form>
            }
          </article>
        }
      </div>
    </app-page-state>
  `,
  styles: `
    .faces { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); }
    .face { display: flex; flex-direction: column; gap: 8px; margin: 0; }
    :host ::ng-deep .face-img { width: 100%; aspect-ratio: 1; object-fit: cover; border-radius: 8px; background: #ddd; }
    .meta { display: flex; flex-direction: column; gap: 4px; }
    .assign { display: flex; flex-direction: column; gap: 4px; }
  `,
})
export class UnknownFaces {
  private readonly api = inject(FactoryApi);
  private readonly notify = inject(NotifyService);
  readonly org = inject(OrgLookups);
  readonly status = signal<'pending' | 'assigned' | 'dismissed'>('pending');
  readonly busy = signal<number | null>(null);
  private readonly choices = new Map<number, AssignChoice>();
  readonly faces = new Loadable(() => this.api.invoke(listUnknownFaces, { status: this.status(), limit: 100 }));
  readonly snap = unknownFaceSnapshotUrl;
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.faces.load();
  }

  choice(id: number): AssignChoice {
    let c = this.choices.get(id);
    if (!c) {
      c = { employeeId: null, record: true, enroll: false };
      this.choices.set(id, c);
    }
    return c;
  }

  async assign(f: UnknownFaceRead): Promise<void> {
    const c = this.choice(f.id);
    if (!c.employeeId) return;
    this.busy.set(f.id);
    try {
      const res = await this.api.invoke(assignUnknownFace, {
        unknown_id: f.id,
        body: { employee_id: c.employeeId, record_attendance: c.record, enroll: c.enroll },
      });
      const who = this.org.employeeName()(c.employeeId);
      this.notify.ok(res.punch ? `Assigned to ${who}; attendance recorded (${res.punch.status})` : `Assigned to ${who}`);
      await this.faces.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.busy.set(null);
    }
  }

  async dismiss(f: UnknownFaceRead): Promise<void> {
    this.busy.set(f.id);
    try {
      await this.api.invoke(dismissUnknownFace, { unknown_id: f.id });
      this.notify.ok('Face dismissed');
      await this.faces.load();
    } catch (err) {
      this.notify.error(err);
    } finally {
      this.busy.set(null);
    }
  }
}

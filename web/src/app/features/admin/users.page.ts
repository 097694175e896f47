import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { MatButtonModule } from '@angular/material/button';
import { MatDialog } from '@angular/material/dialog';
import { MatIconModule } from '@angular/material/icon';
import { FactoryApi } from '../../api/factory-api';
import { listUsers } from '../../api/fn/accounts/list-users';
import { UserRead } from '../../api/models';
import { formatDateTime } from '../../core/format';
import { NotifyService } from '../../core/notify.service';
import { ROLE_LABELS } from '../../core/roles';
import { Loadable } from '../../shared/loadable';
import { PageState } from '../../shared/page-state';
import { UserDialog } from './user-dialog';

@Component({
  selector: 'app-users-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MatButtonModule, MatIconModule, PageState],
  template: `
    <div class="page">
      <div class="page-header">
        <h1>Users</h1>
        <button mat-flat-button type="button" (click)="edit(null)"><mat-icon>person_add</mat-icon>Add user</button>
      </div>
      <app-page-state [loading]="users.loading()" [error]="users.error()" [empty]="users.value()?.items?.length === 0"
        emptyText="No users." emptyIcon="group" (retry)="users.load()">
        <div class="table-wrap">
          <table class="data">
            <thead><tr><th>Username</th><th>Name</th><th>Role</th><th>Status</th><th>Last log-in</th><th><span class="cdk-visually-hidden">Actions</span></th></tr></thead>
            <tbody>
              @for (u of users.value()?.items; track u.id) {
                <tr>
                  <td>{{ u.username }}</td>
                  <td>{{ u.full_name ?? '' }}</td>
                  <td>{{ labels[u.role] }}</td>
                  <td><span [class]="u.is_active ? 'chip chip-ok' : 'chip chip-neutral'">{{ u.is_active ? 'Active' : 'Inactive' }}</span></td>
                  <td class="nowrap">{{ u.last_login_at ? time(u.last_login_at) : 'never' }}</td>
                  <td class="actions"><button mat-icon-button type="button" (click)="edit(u)" [attr.aria-label]="'Edit ' + u.username"><mat-icon>edit</mat-icon></button></td>
                </tr>
              }
            </tbody>
          </table>
        </div>
      </app-page-state>
    </div>
  `,
})
export class UsersPage {
  private readonly api = inject(FactoryApi);
  private readonly dialog = inject(MatDialog);
  private readonly notify = inject(NotifyService);
  readonly users = new Loadable(() => this.api.invoke(listUsers, { limit: 500 }));
  readonly labels = ROLE_LABELS;
  readonly time = (t: string) => formatDateTime(t);

  constructor() {
    void this.users.load();
  }

  edit(u: UserRead | null): void {
    this.dialog.open(UserDialog, { data: u, width: '480px', maxWidth: '96vw' }).afterClosed().subscribe((saved?: UserRead) => {
      if (!saved) return;
      this.notify.ok(`User ${saved.username} saved`);
      void this.users.load();
    });
  }
}

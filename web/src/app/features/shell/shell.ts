import { BreakpointObserver } from '@angular/cdk/layout';
import { ChangeDetectionStrategy, Component, OnDestroy, OnInit, computed, inject, viewChild } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { MatButtonModule } from '@angular/material/button';
import { MatIconModule } from '@angular/material/icon';
import { MatListModule } from '@angular/material/list';
import { MatMenuModule } from '@angular/material/menu';
import { MatSidenav, MatSidenavModule } from '@angular/material/sidenav';
import { MatToolbarModule } from '@angular/material/toolbar';
import { MatTooltipModule } from '@angular/material/tooltip';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { map } from 'rxjs';
import { SessionService } from '../../core/auth/session.service';
import { LiveEventsService } from '../../core/events/live-events.service';
import { navFor } from '../../core/nav';
import { ROLE_LABELS } from '../../core/roles';

@Component({
  selector: 'app-shell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [RouterOutlet, RouterLink, RouterLinkActive, MatToolbarModule, MatSidenavModule, MatListModule, MatIconModule, MatButtonModule, MatMenuModule, MatTooltipModule],
  template: `
    <mat-toolbar class="toolbar">
      @if (narrow()) {
        <button mat-icon-button type="button" (click)="drawer.toggle()" aria-label="Open navigation">
          <mat-icon>menu</mat-icon>
        </button>
      }
      <a routerLink="/dashboard" class="brand"><mat-icon aria-hidden="true">factory</mat-icon><span>Factory AI</span></a>
      <span class="spacer"></span>
      <span class="live" [class]="'live live-' + live.state()" [matTooltip]="liveText()" role="status" [attr.aria-label]="liveText()">
        <span class="dot" aria-hidden="true"></span>@if (!narrow()) {<span>{{ liveLabel() }}</span>}
      </span>
      @if (session.user(); as user) {
        <button mat-button type="button" [matMenuTriggerFor]="userMenu" class="user" aria-label="Account menu">
          <mat-icon>account_circle</mat-icon>
          <span class="user-name">{{ user.full_name || user.username }}</span>
          <span class="role">{{ roleLabel() }}</span>
        </button>
        <mat-menu #userMenu="matMenu">
          <div class="menu-head" mat-menu-item disabled>
            {{ user.username }} · {{ roleLabel() }}
          </div>
          <div class="menu-head" mat-menu-item disabled>
            <mat-icon>schedule</mat-icon>Times: {{ user.site_timezone }}
          </div>
          <button mat-menu-item type="button" (click)="session.logout()"><mat-icon>logout</mat-icon>Log out</button>
        </mat-menu>
      }
    </mat-toolbar>
    <mat-sidenav-container class="container">
      <mat-sidenav #drawer [mode]="narrow() ? 'over' : 'side'" [opened]="!narrow()" class="sidenav" aria-label="Navigation">
        <mat-nav-list>
          @for (item of mainItems(); track item.path) {
            <a mat-list-item [routerLink]="'/' + item.path" routerLinkActive="active" #rla="routerLinkActive"
               [activated]="rla.isActive" [attr.aria-current]="rla.isActive ? 'page' : null" (click)="closeIfNarrow()">
              <mat-icon matListItemIcon aria-hidden="true">{{ item.icon }}</mat-icon>
              <span matListItemTitle>{{ item.label }}</span>
            </a>
          }
          @if (adminItems().length) {
            <h2 class="nav-heading">Administration</h2>
            @for (item of adminItems(); track item.path) {
              <a mat-list-item [routerLink]="'/' + item.path" routerLinkActive="active" #rla2="routerLinkActive"
                 [activated]="rla2.isActive" [attr.aria-current]="rla2.isActive ? 'page' : null" (click)="closeIfNarrow()">
                <mat-icon matListItemIcon aria-hidden="true">{{ item.icon }}</mat-icon>
                <span matListItemTitle>{{ item.label }}</span>
              </a>
            }
          }
        </mat-nav-list>
      </mat-sidenav>
      <mat-sidenav-content class="content">
        <router-outlet />
      </mat-sidenav-content>
    </mat-sidenav-container>
  `,
  styles: `
    :host { display: flex; flex-direction: column; height: 100vh; }
    .toolbar { position: sticky; top: 0; z-index: 3; gap: 8px; background: var(--mat-sys-primary); color: var(--mat-sys-on-primary); }
    .toolbar .mat-mdc-icon-button, .toolbar .mat-mdc-button { color: inherit; }
    .brand { display: flex; align-items: center; gap: 8px; color: inherit; text-decoration: none; font: var(--mat-sys-title-large); }
    .container { flex: 1 1 auto; }
    .sidenav { width: 232px; border-right: 1px solid var(--mat-sys-outline-variant); }
    .nav-heading { font: var(--mat-sys-label-medium); color: var(--mat-sys-on-surface-variant); margin: 16px 16px 4px; text-transform: uppercase; letter-spacing: .05em; }
    .user { display: flex; align-items: center; gap: 6px; }
    .role { font: var(--mat-sys-label-small); padding: 2px 8px; border-radius: 10px; background: rgba(255,255,255,.2); margin-left: 6px; }
    .live { display: inline-flex; align-items: center; gap: 6px; font: var(--mat-sys-label-medium); }
    .dot { width: 10px; height: 10px; border-radius: 50%; background: #bbb; }
    .live-open .dot { background: #5ce07a; }
    .live-retrying .dot, .live-connecting .dot { background: #ffd54f; }
    .live-unavailable .dot { background: #bbb; }
    @media (max-width: 700px) { .user-name { display: none; } }
  `,
})
export class Shell implements OnInit, OnDestroy {
  readonly session = inject(SessionService);
  readonly live = inject(LiveEventsService);
  readonly sidenav = viewChild.required<MatSidenav>("drawer");
  readonly narrow = toSignal(
    inject(BreakpointObserver).observe('(max-width: 1023.98px)').pipe(map((s) => s.matches)),
    { initialValue: false },
  );
  private readonly items = computed(() => navFor(this.session.role()));
  readonly mainItems = computed(() => this.items().filter((i) => i.group === 'main'));
  readonly adminItems = computed(() => this.items().filter((i) => i.group === 'admin'));
  readonly roleLabel = computed(() => {
    const role = this.session.role();
    return role ? ROLE_LABELS[role] : '';
  });
  readonly liveLabel = computed(() => {
    switch (this.live.state()) {
      case 'open':
        return 'Live';
      case 'connecting':
      case 'retrying':
        return 'Reconnecting';
      default:
        return 'Polling';
    }
  });
  readonly liveText = computed(() =>
    this.live.state() === 'open'
      ? 'Live updates: connected'
      : this.live.state() === 'unavailable'
        ? 'Live updates not available from the server; pages refresh every few seconds'
        : 'Live updates: reconnecting; pages refresh every few seconds meanwhile',
  );

  ngOnInit(): void {
    this.live.start();
  }

  ngOnDestroy(): void {
    this.live.stop();
  }

  closeIfNarrow(): void {
    if (this.narrow()) void this.sidenav().close();
  }
}

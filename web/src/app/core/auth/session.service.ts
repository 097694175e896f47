import { Injectable, computed, inject, signal } from '@angular/core';
import { NavigationCancel, NavigationEnd, NavigationError, Router } from '@angular/router';
import { filter, take } from 'rxjs';
import { FactoryApi } from '../../api/factory-api';
import { getCurrentUser } from '../../api/fn/accounts/get-current-user';
import { login } from '../../api/fn/accounts/login';
import { CurrentUserRead } from '../../api/models';
import { setSiteTimeZone } from '../format';

export const TOKEN_KEY = 'factoryai.token';

function storage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

/** A returnUrl must be a path inside the app (no scheme, no //host), and never the log-in page itself. */
export function safeReturnUrl(url: string | null | undefined): string {
  if (!url || !url.startsWith('/') || url.startsWith('//') || url.startsWith('/\\')) return '/dashboard';
  if (url === '/login' || url.startsWith('/login?') || url.startsWith('/login/')) return '/dashboard';
  return url;
}

/**
 * The logged-in user: the bearer token lives in sessionStorage (one tab, gone when it closes), the user read from
 * /auth/me. Any 401 ends the session and sends the user to /login?returnUrl=<where they were>.
 */
@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly api = inject(FactoryApi);
  private readonly router = inject(Router);

  readonly token = signal<string | null>(storage()?.getItem(TOKEN_KEY) ?? null);
  readonly user = signal<CurrentUserRead | null>(null);
  /** The site's IANA time zone (every time shown and "today" are in it); null until the user is read. */
  readonly siteTimeZone = computed(() => this.user()?.site_timezone ?? null);
  readonly role = computed(() => this.user()?.role ?? null);
  readonly loggedIn = computed(() => this.token() !== null);

  private pendingUser: Promise<CurrentUserRead | null> | null = null;

  async login(username: string, password: string): Promise<CurrentUserRead> {
    const token = await this.api.invoke(login, { body: { username, password } });
    this.setToken(token.access_token);
    const user = await this.api.invoke(getCurrentUser);
    this.setUser(user);
    return user;
  }

  /** The user behind the stored token, read once; null when there is no token or it no longer works. */
  ensureUser(): Promise<CurrentUserRead | null> {
    const current = this.user();
    if (current) return Promise.resolve(current);
    if (!this.token()) return Promise.resolve(null);
    this.pendingUser ??= this.api
      .invoke(getCurrentUser)
      .then((user) => {
        this.setUser(user);
        return user;
      })
      .catch(() => {
        this.clear();
        return null;
      })
      .finally(() => (this.pendingUser = null));
    return this.pendingUser;
  }

  logout(): void {
    this.clear();
    void this.router.navigate(['/login']);
  }

  /**
   * A request answered 401: the token expired or was revoked (password, role or active flag changed). Clear it
   * and go to the log-in page, remembering where the user was. A 401 for an older token (a request still in flight
   * when the user logged in again) changes nothing. While a navigation runs (a guard may be redirecting already),
   * wait for it to end, then go unless it ended on the log-in page.
   */
  handleUnauthorized(tokenUsed?: string | null): void {
    if (tokenUsed !== undefined && tokenUsed !== null && tokenUsed !== this.token()) return;
    const hadSession = this.token() !== null;
    this.clear();
    if (this.router.currentNavigation()) {
      this.router.events
        .pipe(
          filter((e) => e instanceof NavigationEnd || e instanceof NavigationCancel || e instanceof NavigationError),
          take(1),
        )
        .subscribe(() => this.toLogin(hadSession));
      return;
    }
    this.toLogin(hadSession);
  }

  private toLogin(hadSession: boolean): void {
    if (this.token() !== null) return; // logged in again meanwhile
    const url = this.router.url;
    if (url.startsWith('/login')) return;
    if (!hadSession && url === '/') return;
    void this.router.navigate(['/login'], { queryParams: { returnUrl: safeReturnUrl(url) } });
  }

  private setToken(token: string): void {
    storage()?.setItem(TOKEN_KEY, token);
    this.token.set(token);
  }

  private setUser(user: CurrentUserRead): void {
    setSiteTimeZone(user.site_timezone);
    this.user.set(user);
  }

  private clear(): void {
    storage()?.removeItem(TOKEN_KEY);
    this.token.set(null);
    this.user.set(null);
  }
}

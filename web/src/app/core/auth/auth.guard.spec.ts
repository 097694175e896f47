import { TestBed } from '@angular/core/testing';
import { ActivatedRouteSnapshot, Router, RouterStateSnapshot, UrlTree, convertToParamMap, provideRouter } from '@angular/router';
import { provideHttpClient } from '@angular/common/http';
import { authGuard, loggedOutGuard } from './auth.guard';
import { SessionService } from './session.service';
import { CurrentUserRead } from '../../api/models';

function setup(user: Partial<CurrentUserRead> | null) {
  TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient()] });
  const session = TestBed.inject(SessionService);
  vi.spyOn(session, 'ensureUser').mockResolvedValue(user as CurrentUserRead | null);
  return TestBed.inject(Router);
}

const route = (roles?: string[], query: Record<string, string> = {}) =>
  ({ data: roles ? { roles } : {}, queryParamMap: convertToParamMap(query) }) as unknown as ActivatedRouteSnapshot;
const state = (url: string) => ({ url }) as RouterStateSnapshot;
const run = (guard: typeof authGuard, r: ActivatedRouteSnapshot, s: RouterStateSnapshot) =>
  TestBed.runInInjectionContext(() => guard(r, s)) as Promise<boolean | UrlTree>;

describe('authGuard', () => {
  it('sends a logged-out user to log-in with the wanted URL', async () => {
    const router = setup(null);
    const result = await run(authGuard, route(), state('/vehicles?tab=alerts'));
    expect(router.serializeUrl(result as UrlTree)).toBe('/login?returnUrl=%2Fvehicles%3Ftab%3Dalerts');
  });

  it('refuses a page the role may not see', async () => {
    const router = setup({ role: 'viewer' });
    const result = await run(authGuard, route(['admin']), state('/admin/users'));
    expect(router.serializeUrl(result as UrlTree)).toBe('/dashboard?denied=%2Fadmin%2Fusers');
  });

  it('lets the right role and admin in', async () => {
    setup({ role: 'security' });
    expect(await run(authGuard, route(['security']), state('/vehicles'))).toBe(true);
    TestBed.resetTestingModule();
    setup({ role: 'admin' });
    expect(await run(authGuard, route(['hr']), state('/attendance'))).toBe(true);
  });
});

describe('loggedOutGuard', () => {
  it('sends a logged-in user on to returnUrl', async () => {
    const router = setup({ role: 'hr' });
    const result = await run(loggedOutGuard, route(undefined, { returnUrl: '/attendance' }), state('/login'));
    expect(router.serializeUrl(result as UrlTree)).toBe('/attendance');
  });

  it('shows the log-in page to a logged-out user', async () => {
    setup(null);
    expect(await run(loggedOutGuard, route(), state('/login'))).toBe(true);
  });
});

import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { SessionService, TOKEN_KEY, safeReturnUrl } from './session.service';
import { setSiteTimeZone, siteTimeZone } from '../format';

const USER = { id: 1, username: 'priya', full_name: 'Priya', role: 'hr', is_active: true, last_login_at: null, created_at: '2026-01-01T00:00:00Z', site_timezone: 'Asia/Kolkata' };

function setup(token: string | null = null) {
  sessionStorage.clear();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  TestBed.configureTestingModule({
    providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
  });
  const router = TestBed.inject(Router);
  const navigate = vi.spyOn(router, 'navigate').mockResolvedValue(true);
  return {
    session: TestBed.inject(SessionService),
    http: TestBed.inject(HttpTestingController),
    client: TestBed.inject(HttpClient),
    router,
    navigate,
  };
}

describe('SessionService', () => {
  afterEach(() => {
    sessionStorage.clear();
    setSiteTimeZone(null);
  });

  it('logs in with a form post, keeps the token in sessionStorage and loads the user', async () => {
    const { session, http } = setup();
    const done = session.login('priya', 'secret');
    const login = http.expectOne('/api/v1/auth/login');
    expect(login.request.method).toBe('POST');
    expect(login.request.headers.get('Content-Type')).toBe('application/x-www-form-urlencoded');
    expect(String(login.request.body)).toContain('username=priya');
    expect(String(login.request.body)).toContain('password=secret');
    login.flush({ access_token: 'tok-1', token_type: 'bearer', expires_in: 3600 });
    await Promise.resolve();
    await new Promise((r) => setTimeout(r));
    const me = http.expectOne('/api/v1/auth/me');
    expect(me.request.headers.get('Authorization')).toBe('Bearer tok-1');
    me.flush(USER);
    const user = await done;
    expect(user.role).toBe('hr');
    expect(sessionStorage.getItem(TOKEN_KEY)).toBe('tok-1');
    expect(session.role()).toBe('hr');
    expect(session.loggedIn()).toBe(true);
    expect(session.siteTimeZone()).toBe('Asia/Kolkata');
    expect(siteTimeZone()).toBe('Asia/Kolkata'); // every time shown from now on is on the site's clock
  });

  it('a failed log-in keeps no token and does not redirect', async () => {
    const { session, http, navigate } = setup();
    const done = session.login('priya', 'wrong');
    http.expectOne('/api/v1/auth/login').flush({ error: { code: 'unauthorized', message: 'wrong username or password' } }, { status: 401, statusText: 'Unauthorized' });
    await expect(done).rejects.toBeTruthy();
    expect(session.token()).toBeNull();
    expect(navigate).not.toHaveBeenCalled();
  });

  it('ensureUser: no token means no user, without a request', async () => {
    const { session, http } = setup();
    expect(await session.ensureUser()).toBeNull();
    http.expectNone('/api/v1/auth/me');
  });

  it('ensureUser: a stored token that no longer works clears the session', async () => {
    const { session, http } = setup('old');
    const done = session.ensureUser();
    http.expectOne('/api/v1/auth/me').flush({ error: { code: 'unauthorized', message: 'log in again' } }, { status: 401, statusText: 'Unauthorized' });
    expect(await done).toBeNull();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
  });

  it('a 401 on any API call ends the session and goes to log-in with the current URL', async () => {
    const { session, client, http, router, navigate } = setup('tok');
    vi.spyOn(router, 'url', 'get').mockReturnValue('/attendance?tab=unknown');
    const call = firstValueFrom(client.get('/api/v1/employees'));
    http.expectOne('/api/v1/employees').flush({ error: { code: 'unauthorized', message: 'expired' } }, { status: 401, statusText: 'Unauthorized' });
    await expect(call).rejects.toBeTruthy();
    expect(session.token()).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login'], { queryParams: { returnUrl: '/attendance?tab=unknown' } });
  });

  it('ignores a late 401 for a token that is no longer the session token', () => {
    const { session, navigate } = setup('new-token');
    session.handleUnauthorized('old-token');
    expect(session.token()).toBe('new-token');
    expect(navigate).not.toHaveBeenCalled();
  });

  it('logout clears the token and goes to the log-in page', () => {
    const { session, navigate } = setup('tok');
    session.logout();
    expect(sessionStorage.getItem(TOKEN_KEY)).toBeNull();
    expect(navigate).toHaveBeenCalledWith(['/login']);
  });
});

describe('safeReturnUrl', () => {
  it('keeps in-app paths and refuses other hosts and the log-in page', () => {
    expect(safeReturnUrl('/vehicles?tab=alerts')).toBe('/vehicles?tab=alerts');
    expect(safeReturnUrl('//evil.example/x')).toBe('/dashboard');
    expect(safeReturnUrl('https://evil.example')).toBe('/dashboard');
    expect(safeReturnUrl('/login?returnUrl=%2Fx')).toBe('/dashboard');
    expect(safeReturnUrl(null)).toBe('/dashboard');
  });
});

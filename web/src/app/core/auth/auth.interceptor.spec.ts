import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { authInterceptor } from './auth.interceptor';
import { SessionService, TOKEN_KEY } from './session.service';

function setup(token: string | null) {
  sessionStorage.clear();
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  TestBed.configureTestingModule({
    providers: [provideRouter([]), provideHttpClient(withInterceptors([authInterceptor])), provideHttpClientTesting()],
  });
  const session = TestBed.inject(SessionService);
  const unauthorized = vi.spyOn(session, 'handleUnauthorized').mockImplementation(() => undefined);
  return { client: TestBed.inject(HttpClient), http: TestBed.inject(HttpTestingController), unauthorized };
}

describe('authInterceptor', () => {
  afterEach(() => sessionStorage.clear());

  it('adds the bearer token to API calls', () => {
    const { client, http } = setup('abc');
    void firstValueFrom(client.get('/api/v1/cameras'));
    expect(http.expectOne('/api/v1/cameras').request.headers.get('Authorization')).toBe('Bearer abc');
  });

  it('never sends the token to another origin', () => {
    const { client, http } = setup('abc');
    void firstValueFrom(client.get('https://example.com/api/v1/cameras'));
    expect(http.expectOne('https://example.com/api/v1/cameras').request.headers.has('Authorization')).toBe(false);
  });

  it('sends no header when logged out', () => {
    const { client, http } = setup(null);
    void firstValueFrom(client.get('/api/v1/cameras'));
    expect(http.expectOne('/api/v1/cameras').request.headers.has('Authorization')).toBe(false);
  });

  it('ends the session on a 401 and passes the error on', async () => {
    const { client, http, unauthorized } = setup('abc');
    const call = firstValueFrom(client.get('/api/v1/cameras'));
    http.expectOne('/api/v1/cameras').flush({}, { status: 401, statusText: 'Unauthorized' });
    await expect(call).rejects.toMatchObject({ status: 401 });
    expect(unauthorized).toHaveBeenCalledTimes(1);
    expect(unauthorized).toHaveBeenCalledWith('abc');
  });

  it('leaves a 403 and a failed log-in alone', async () => {
    const { client, http, unauthorized } = setup('abc');
    const forbidden = firstValueFrom(client.get('/api/v1/users'));
    http.expectOne('/api/v1/users').flush({}, { status: 403, statusText: 'Forbidden' });
    await expect(forbidden).rejects.toMatchObject({ status: 403 });
    const login = firstValueFrom(client.post('/api/v1/auth/login', 'username=a&password=b'));
    http.expectOne('/api/v1/auth/login').flush({}, { status: 401, statusText: 'Unauthorized' });
    await expect(login).rejects.toMatchObject({ status: 401 });
    expect(unauthorized).not.toHaveBeenCalled();
  });
});

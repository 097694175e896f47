import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { SessionService } from './session.service';

const LOGIN_PATH = '/api/v1/auth/login';

function isApiUrl(url: string): boolean {
  // Same-origin API only: relative paths, never another host.
  return url.startsWith('/api/') || url === '/metrics' || url.startsWith('/metrics?');
}

/** Adds `Authorization: Bearer` to API calls; a 401 (except a failed log-in) ends the session. */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(SessionService);
  const token = session.token();
  const api = isApiUrl(req.url);
  if (api && token && !req.headers.has('Authorization')) {
    req = req.clone({ setHeaders: { Authorization: `Bearer ${token}` } });
  }
  return next(req).pipe(
    catchError((err: unknown) => {
      if (api && err instanceof HttpErrorResponse && err.status === 401 && !req.url.startsWith(LOGIN_PATH)) {
        session.handleUnauthorized(token);
      }
      return throwError(() => err);
    }),
  );
};

import { inject } from '@angular/core';
import { ActivatedRouteSnapshot, CanActivateFn, Router, RouterStateSnapshot } from '@angular/router';
import { Role } from '../../api/models';
import { canAccess } from '../roles';
import { SessionService, safeReturnUrl } from './session.service';

/**
 * Logged in, and (route data `roles`) allowed to see the page; admin always is. Not logged in: to the log-in page
 * with the wanted URL; wrong role: to the dashboard with ?denied=<url>.
 */
export const authGuard: CanActivateFn = async (route: ActivatedRouteSnapshot, state: RouterStateSnapshot) => {
  const session = inject(SessionService);
  const router = inject(Router);
  const user = await session.ensureUser();
  if (!user) return router.createUrlTree(['/login'], { queryParams: { returnUrl: state.url } });
  const roles = route.data['roles'] as readonly Role[] | undefined;
  if (!canAccess(user.role, roles)) {
    return router.createUrlTree(['/dashboard'], { queryParams: { denied: state.url } });
  }
  return true;
};

/** The log-in page is for logged-out users; a logged-in one goes where returnUrl points. */
export const loggedOutGuard: CanActivateFn = async (route: ActivatedRouteSnapshot) => {
  const session = inject(SessionService);
  const router = inject(Router);
  const user = await session.ensureUser();
  if (!user) return true;
  return router.parseUrl(safeReturnUrl(route.queryParamMap.get('returnUrl')));
};

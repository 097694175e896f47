import { Role } from '../api/models';

export const ALL_ROLES: readonly Role[] = ['admin', 'hr', 'security', 'viewer'];

/** Admin passes every role check, as on the server (accounts/deps.py: require_role). */
export function canAccess(role: Role | null | undefined, allowed: readonly Role[] | undefined): boolean {
  if (!role) return false;
  if (!allowed || allowed.length === 0) return true;
  return role === 'admin' || allowed.includes(role);
}

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Administrator',
  hr: 'HR',
  security: 'Security',
  viewer: 'Viewer',
};

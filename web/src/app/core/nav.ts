import { Role } from '../api/models';
import { canAccess } from './roles';

export interface NavItem {
  path: string;
  label: string;
  icon: string;
  /** Roles that see the page besides admin (admin sees everything); empty: every logged-in user. */
  roles: readonly Role[];
  group: 'main' | 'admin';
}

/**
 * One list drives the side navigation and the route guard (app.routes.ts reads `roles` from here), so a page
 * hidden from a role is also refused to it. The API enforces the same rules (see src/factoryai/<domain>/router.py).
 */
export const NAV_ITEMS: readonly NavItem[] = [
  { path: 'dashboard', label: 'Dashboard', icon: 'dashboard', roles: [], group: 'main' },
  { path: 'live', label: 'Live video', icon: 'videocam', roles: [], group: 'main' },
  { path: 'occupancy', label: 'Occupancy', icon: 'groups', roles: [], group: 'main' },
  { path: 'vehicles', label: 'Vehicles', icon: 'directions_car', roles: ['security'], group: 'main' },
  { path: 'attendance', label: 'Attendance', icon: 'how_to_reg', roles: ['hr'], group: 'main' },
  { path: 'people', label: 'Employees', icon: 'badge', roles: ['hr'], group: 'main' },
  { path: 'reports', label: 'Reports', icon: 'download', roles: ['hr', 'security', 'viewer'], group: 'main' },
  { path: 'admin/departments', label: 'Departments', icon: 'corporate_fare', roles: ['hr'], group: 'admin' },
  { path: 'admin/shifts', label: 'Shifts', icon: 'schedule', roles: ['hr'], group: 'admin' },
  { path: 'admin/cameras', label: 'Cameras', icon: 'photo_camera', roles: ['admin'], group: 'admin' },
  { path: 'admin/users', label: 'Users', icon: 'manage_accounts', roles: ['admin'], group: 'admin' },
  { path: 'admin/api-keys', label: 'API keys', icon: 'key', roles: ['admin'], group: 'admin' },
  { path: 'admin/scheduler', label: 'Scheduler', icon: 'event_repeat', roles: ['admin'], group: 'admin' },
];

export function navFor(role: Role | null | undefined): NavItem[] {
  return NAV_ITEMS.filter((item) => canAccess(role, item.roles));
}

export function rolesFor(path: string): readonly Role[] {
  const item = NAV_ITEMS.find((i) => i.path === path);
  if (!item) throw new Error(`no navigation item for ${path}`);
  return item.roles;
}

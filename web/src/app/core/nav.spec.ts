import { NAV_ITEMS, navFor, rolesFor } from './nav';
import { canAccess } from './roles';

const paths = (role: Parameters<typeof navFor>[0]) => navFor(role).map((i) => i.path);

describe('role-based navigation', () => {
  it('gives a viewer the dashboard, live video, occupancy and the reports it may read only', () => {
    expect(paths('viewer')).toEqual(['dashboard', 'live', 'occupancy', 'reports']);
  });

  it('adds vehicles (and gate reports) for security', () => {
    expect(paths('security')).toEqual(['dashboard', 'live', 'occupancy', 'vehicles', 'reports']);
  });

  it('adds attendance, employees and reports for HR, and no admin-only page', () => {
    const hr = paths('hr');
    expect(hr).toContain('attendance');
    expect(hr).toContain('people');
    expect(hr).toContain('reports');
    expect(hr).not.toContain('vehicles');
    expect(hr).not.toContain('admin/users');
    expect(hr).not.toContain('admin/api-keys');
    expect(hr).not.toContain('admin/cameras');
    expect(hr).not.toContain('admin/scheduler');
  });

  it('shows an admin every page', () => {
    expect(paths('admin')).toEqual(NAV_ITEMS.map((i) => i.path));
  });

  it('shows nothing without a user', () => {
    expect(navFor(null)).toEqual([]);
  });

  it('guards with the same roles as the navigation', () => {
    expect(canAccess('viewer', rolesFor('admin/users'))).toBe(false);
    expect(canAccess('security', rolesFor('attendance'))).toBe(false);
    expect(canAccess('admin', rolesFor('vehicles'))).toBe(true);
    expect(() => rolesFor('nope')).toThrow();
  });
});

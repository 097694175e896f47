import { Routes } from '@angular/router';
import { authGuard, loggedOutGuard } from './core/auth/auth.guard';
import { rolesFor } from './core/nav';

const page = (path: string) => ({ path, canActivate: [authGuard], data: { roles: rolesFor(path) } });

export const routes: Routes = [
  {
    path: 'login',
    canActivate: [loggedOutGuard],
    title: 'Log in · Factory AI',
    loadComponent: () => import('./features/login/login.page').then((m) => m.LoginPage),
  },
  {
    path: '',
    canActivate: [authGuard],
    loadComponent: () => import('./features/shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      {
        ...page('dashboard'),
        title: 'Dashboard · Factory AI',
        loadComponent: () => import('./features/dashboard/dashboard.page').then((m) => m.DashboardPage),
      },
      {
        ...page('live'),
        title: 'Live video · Factory AI',
        loadComponent: () => import('./features/live/live.page').then((m) => m.LivePage),
      },
      {
        ...page('vehicles'),
        title: 'Vehicles · Factory AI',
        loadComponent: () => import('./features/vehicles/vehicles.page').then((m) => m.VehiclesPage),
      },
      {
        ...page('attendance'),
        title: 'Attendance · Factory AI',
        loadComponent: () => import('./features/attendance/attendance.page').then((m) => m.AttendancePage),
      },
      {
        ...page('occupancy'),
        title: 'Occupancy · Factory AI',
        loadComponent: () => import('./features/occupancy/occupancy.page').then((m) => m.OccupancyPage),
      },
      {
        ...page('people'),
        title: 'Employees · Factory AI',
        loadComponent: () => import('./features/people/people.page').then((m) => m.PeoplePage),
      },
      {
        ...page('admin/departments'),
        title: 'Departments · Factory AI',
        loadComponent: () => import('./features/admin/departments.page').then((m) => m.DepartmentsPage),
      },
      {
        ...page('admin/shifts'),
        title: 'Shifts · Factory AI',
        loadComponent: () => import('./features/admin/shifts.page').then((m) => m.ShiftsPage),
      },
      {
        ...page('admin/cameras'),
        title: 'Cameras · Factory AI',
        loadComponent: () => import('./features/admin/cameras.page').then((m) => m.CamerasPage),
      },
      {
        ...page('admin/users'),
        title: 'Users · Factory AI',
        loadComponent: () => import('./features/admin/users.page').then((m) => m.UsersPage),
      },
      {
        ...page('admin/api-keys'),
        title: 'API keys · Factory AI',
        loadComponent: () => import('./features/admin/api-keys.page').then((m) => m.ApiKeysPage),
      },
      {
        ...page('admin/scheduler'),
        title: 'Scheduler · Factory AI',
        loadComponent: () => import('./features/admin/scheduler.page').then((m) => m.SchedulerPage),
      },
      {
        ...page('reports'),
        title: 'Reports · Factory AI',
        loadComponent: () => import('./features/reports/reports.page').then((m) => m.ReportsPage),
      },
      {
        path: 'live/:cameraId',
        canActivate: [authGuard],
        data: { roles: rolesFor('live') },
        title: 'Live video · Factory AI',
        loadComponent: () => import('./features/live/live-single.page').then((m) => m.LiveSinglePage),
      },
    ],
  },
  { path: '**', redirectTo: 'dashboard' },
];

import { newIds } from './gate-card';
import { dashboardCards } from './dashboard.page';
import { cameraState } from './camera-health-card';
import { CameraRead } from '../../api/models';

describe('dashboard', () => {
  it('shows each role only the cards the API lets it fill', () => {
    expect(dashboardCards('viewer')).toEqual({ attendance: true, gate: false, alerts: false, occupancy: true, cameras: true });
    expect(dashboardCards('security')).toEqual({ attendance: false, gate: true, alerts: true, occupancy: true, cameras: true });
    expect(dashboardCards('hr')).toMatchObject({ attendance: true, gate: false });
    expect(dashboardCards('admin')).toEqual({ attendance: true, gate: true, alerts: true, occupancy: true, cameras: true });
  });

  it('highlights only gate decisions that arrived since the last load', () => {
    expect(newIds(undefined, [{ id: 1 }])).toEqual(new Set());
    expect(newIds([{ id: 1 }, { id: 2 }], [{ id: 3 }, { id: 1 }, { id: 2 }])).toEqual(new Set([3]));
  });

  it('derives a camera badge', () => {
    const camera = { id: 'C', enabled: true } as CameraRead;
    expect(cameraState({ camera, status: null, statusError: 'x' })).toBe('OFFLINE');
    expect(cameraState({ camera: { ...camera, enabled: false }, status: null, statusError: null })).toBe('DISABLED');
    expect(cameraState({ camera, status: { online: true } as never, statusError: null })).toBe('ONLINE');
  });
});

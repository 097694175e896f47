import { vehicleAlertSnapshotUrl, vehicleLogSnapshotUrl } from './snapshots';

describe('snapshot URLs', () => {
  it('points at the API only when a picture was stored', () => {
    expect(vehicleLogSnapshotUrl({ id: 7, snapshot_path: 'vehicles/2026/x.jpg' })).toBe('/api/v1/vehicles/log/7/snapshot');
    expect(vehicleLogSnapshotUrl({ id: 7, snapshot_path: null })).toBeNull();
    expect(vehicleAlertSnapshotUrl({ id: 3, snapshot_path: 'a.jpg' })).toBe('/api/v1/vehicles/alerts/3/snapshot');
    expect(vehicleAlertSnapshotUrl({ id: 3, snapshot_path: '' })).toBeNull();
  });
});

import { getVehicleAlertSnapshot } from '../api/fn/vehicles/get-vehicle-alert-snapshot';
import { getVehicleLogSnapshot } from '../api/fn/vehicles/get-vehicle-log-snapshot';

/**
 * Where a stored snapshot can be fetched (through app-auth-image: the routes want the bearer header). Null when the
 * row has no `snapshot_path`, so a picture that was never taken is not requested (a 404 would be a console error).
 */
export function vehicleLogSnapshotUrl(log: { id: number; snapshot_path: string | null }): string | null {
  return log.snapshot_path ? getVehicleLogSnapshot.PATH.replace('{log_id}', String(log.id)) : null;
}

export function vehicleAlertSnapshotUrl(alert: { id: number; snapshot_path: string | null }): string | null {
  return alert.snapshot_path ? getVehicleAlertSnapshot.PATH.replace('{alert_id}', String(alert.id)) : null;
}

/**
 * Where a stored snapshot (gate picture, alert picture, recognised face) can be fetched. The API stores
 * `snapshot_path` on vehicle log rows, alerts and access-log rows but has no route that serves those files yet
 * (only unknown faces have one: getUnknownFaceSnapshot). When it lands, return its generated PATH here.
 */
export function vehicleLogSnapshotUrl(_log: { id: number; snapshot_path: string | null }): string | null {
  return null;
}

import { HeatmapCell, HourlyOccupancy, MonthlyOccupancy } from '../../api/models';
import { Bar } from '../../shared/bar-chart';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

const round1 = (v: number) => Math.round(v * 10) / 10;

/** 24 bars (one per hour) of the average, with the hour's maximum as marker; hours without data are empty. */
export function hourlyBars(rows: readonly HourlyOccupancy[]): Bar[] {
  const byHour = new Map<number, { avg: number; max: number; n: number }>();
  for (const r of rows) {
    // Several cameras: add zones up (people on site), per hour.
    const cur = byHour.get(r.hour) ?? { avg: 0, max: 0, n: 0 };
    byHour.set(r.hour, { avg: cur.avg + r.avg_occupancy, max: cur.max + r.max_occupancy, n: cur.n + 1 });
  }
  return Array.from({ length: 24 }, (_, h) => {
    const v = byHour.get(h);
    return {
      label: String(h).padStart(2, '0'),
      value: v ? round1(v.avg) : null,
      marker: v ? v.max : null,
      title: v ? `${String(h).padStart(2, '0')}:00 — average ${round1(v.avg)}, max ${v.max}` : `${String(h).padStart(2, '0')}:00 — no data`,
    };
  });
}

/** The last `count` months up to `to` (YYYY-MM), oldest first. */
export function monthRange(to: string, count: number): string[] {
  const [y, m] = to.split('-').map(Number);
  return Array.from({ length: count }, (_, i) => {
    const idx = y * 12 + (m - 1) - (count - 1 - i);
    return `${Math.floor(idx / 12)}-${String((idx % 12) + 1).padStart(2, '0')}`;
  });
}

export function monthlyBars(rows: readonly MonthlyOccupancy[], months: readonly string[]): Bar[] {
  const byMonth = new Map<string, { avg: number; max: number }>();
  for (const r of rows) {
    const key = `${r.year}-${String(r.month).padStart(2, '0')}`;
    const cur = byMonth.get(key) ?? { avg: 0, max: 0 };
    byMonth.set(key, { avg: cur.avg + r.avg_occupancy, max: cur.max + (r.max_occupancy ?? 0) });
  }
  return months.map((key) => {
    const v = byMonth.get(key);
    const label = `${MONTHS[Number(key.slice(5)) - 1]} ${key.slice(2, 4)}`;
    return { label, value: v ? round1(v.avg) : null, marker: v ? v.max : null, title: v ? `${label}: average ${round1(v.avg)}, max ${v.max}` : `${label}: no data` };
  });
}

/** A 7 × 24 matrix (Monday first) of average occupancy; null where there were no hours. */
export function heatmapMatrix(cells: readonly HeatmapCell[]): { rows: (number | null)[][]; max: number } {
  const rows: (number | null)[][] = Array.from({ length: 7 }, () => Array<number | null>(24).fill(null));
  let max = 0;
  for (const c of cells) {
    if (c.weekday < 0 || c.weekday > 6 || c.hour < 0 || c.hour > 23 || c.hours === 0) continue;
    rows[c.weekday][c.hour] = c.avg_occupancy;
    max = Math.max(max, c.avg_occupancy);
  }
  return { rows, max };
}

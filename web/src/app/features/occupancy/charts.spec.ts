import { HeatmapCell, HourlyOccupancy, MonthlyOccupancy } from '../../api/models';
import { niceMax } from '../../shared/bar-chart';
import { heatmapMatrix, hourlyBars, monthRange, monthlyBars } from './charts';

const hour = (h: number, avg: number, max: number, camera = 'CAM-FLOOR'): HourlyOccupancy => ({
  camera_id: camera, occupancy_date: '2026-12-07', hour: h, avg_occupancy: avg, max_occupancy: max,
  min_occupancy: 0, total_entries: 0, total_exits: 0, sample_count: 1,
});

describe('occupancy charts', () => {
  it('makes 24 hourly bars, empty where there is no data, zones added up', () => {
    const bars = hourlyBars([hour(8, 3.25, 5), hour(8, 1, 2, 'CAM-2'), hour(13, 7, 9)]);
    expect(bars.length).toBe(24);
    expect(bars[8]).toMatchObject({ label: '08', value: 4.3, marker: 7 });
    expect(bars[13]).toMatchObject({ value: 7, marker: 9 });
    expect(bars[0].value).toBeNull();
  });

  it('lists months across a year boundary', () => {
    expect(monthRange('2026-02', 4)).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthRange('2026-12', 12)[0]).toBe('2026-01');
  });

  it('places monthly figures on their month', () => {
    const row = { camera_id: 'C', year: 2026, month: 1, avg_occupancy: 2, max_occupancy: 6 } as MonthlyOccupancy;
    const bars = monthlyBars([row], ['2025-12', '2026-01']);
    expect(bars.map((b) => b.value)).toEqual([null, 2]);
    expect(bars[1].label).toBe('Jan 26');
  });

  it('builds a Monday-first heat map and ignores cells without hours', () => {
    const cells: HeatmapCell[] = [
      { weekday: 0, hour: 9, avg_occupancy: 4, hours: 3 },
      { weekday: 6, hour: 23, avg_occupancy: 1, hours: 1 },
      { weekday: 2, hour: 5, avg_occupancy: 50, hours: 0 },
    ];
    const m = heatmapMatrix(cells);
    expect(m.rows[0][9]).toBe(4);
    expect(m.rows[6][23]).toBe(1);
    expect(m.rows[2][5]).toBeNull();
    expect(m.max).toBe(4);
  });

  it('rounds a chart scale up to a nice number', () => {
    expect(niceMax([])).toBe(1);
    expect(niceMax([3.2, null])).toBe(5);
    expect(niceMax([7])).toBe(10);
    expect(niceMax([120])).toBe(200);
    expect(niceMax([0.3])).toBe(0.5);
  });
});

import { filenameFrom } from './download';
import { resultSummary } from '../features/admin/scheduler.page';

describe('filenameFrom', () => {
  it('reads the file name from Content-Disposition', () => {
    expect(filenameFrom('attachment; filename="summary-2026-12.xlsx"', 'x')).toBe('summary-2026-12.xlsx');
    expect(filenameFrom('attachment; filename=log.csv', 'x')).toBe('log.csv');
    expect(filenameFrom("attachment; filename=\"a.csv\"; filename*=UTF-8''r%C3%A9sum%C3%A9.csv", 'x')).toBe('résumé.csv');
    expect(filenameFrom(null, 'fallback.csv')).toBe('fallback.csv');
    expect(filenameFrom('inline', 'fallback.csv')).toBe('fallback.csv');
  });
});

describe('resultSummary', () => {
  it("summarises a job's result, leaving out empty values", () => {
    expect(resultSummary({ processed: 0, failed: 1, punches_refused: [], note: null })).toBe('processed: 0 · failed: 1');
    expect(resultSummary(null)).toBe('');
  });
});

import { validatePlain } from '../validation';
import { PipelineFunnelQuery, ReportPeriodQuery, reportPeriodBounds } from './reports.rpc';

describe('report periods (api.md §18)', () => {
  it('turns dates into whole days and keeps date-times as sent', () => {
    expect(reportPeriodBounds('2025-01-01', '2025-01-31')).toEqual({
      from: '2025-01-01T00:00:00.000000Z',
      to: '2025-01-31T23:59:59.999999Z',
      fromMs: Date.parse('2025-01-01T00:00:00Z'),
      toMs: Date.parse('2025-02-01T00:00:00Z') - 1,
    });
    expect(reportPeriodBounds('2025-01-01T10:00:00+02:00')).toEqual({
      from: '2025-01-01T10:00:00+02:00',
      to: undefined,
      fromMs: Date.parse('2025-01-01T08:00:00Z'),
      toMs: undefined,
    });
  });

  it.each([
    [{}, true],
    [{ start_date: '2025-01-31', end_date: '2025-01-31' }, true],
    [{ start_date: '2025-01-31T23:00:00Z', end_date: '2025-01-31' }, true],
    [{ start_date: '2025-02-01', end_date: '2025-01-31' }, false],
    [{ start_date: '2025-01-31T10:00:00Z', end_date: '2025-01-31T09:00:00Z' }, false],
    [{ start_date: '2025-02-29' }, false],
    [{ end_date: '2024-02-29' }, true],
    [{ end_date: '31.01.2025' }, false],
  ])('%j valid: %s', (query, valid) => {
    expect(validatePlain(ReportPeriodQuery, query).ok).toBe(valid);
  });

  it('names end_date when the period runs backwards, and checks pipeline_id', () => {
    const result = validatePlain(PipelineFunnelQuery, {
      start_date: '2025-02-01',
      end_date: '2025-01-01',
      pipeline_id: 'b2b',
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => [i.path, i.code]).sort()).toEqual([
      ['end_date', 'isNotBeforeStartDate'],
      ['pipeline_id', 'isUuid'],
    ]);
  });
});

import { DailyLocalTime } from './local-schedule';

const berlin2am = DailyLocalTime.parse('02:00', 'Europe/Berlin');
const at = (iso: string) => new Date(iso);

describe('DailyLocalTime (02:00 Europe/Berlin)', () => {
  it('falls on 01:00 UTC in winter and 00:00 UTC in summer', () => {
    expect(berlin2am.next(at('2026-12-03T07:00:00Z')).toISOString()).toBe('2026-12-04T01:00:00.000Z');
    expect(berlin2am.next(at('2026-07-01T12:00:00Z')).toISOString()).toBe('2026-07-02T00:00:00.000Z');
    expect(berlin2am.next(at('2026-07-01T23:59:00Z')).toISOString()).toBe('2026-07-02T00:00:00.000Z');
  });

  it('is strictly after `after` for next, at or before `at` for previous', () => {
    expect(berlin2am.next(at('2026-12-04T01:00:00Z')).toISOString()).toBe('2026-12-05T01:00:00.000Z');
    expect(berlin2am.previous(at('2026-12-04T01:00:00Z')).toISOString()).toBe('2026-12-04T01:00:00.000Z');
    expect(berlin2am.previous(at('2026-12-04T00:59:00Z')).toISOString()).toBe('2026-12-03T01:00:00.000Z');
  });

  it('on the night clocks jump from 02:00 to 03:00, runs at the first instant after the gap', () => {
    // 2026-03-29: 01:59:59 CET is followed by 03:00 CEST (01:00 UTC).
    expect(berlin2am.next(at('2026-03-28T12:00:00Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('on the night 02:00 happens twice, runs once (the second time)', () => {
    // 2026-10-25: 02:00 CEST (00:00 UTC) and again 02:00 CET (01:00 UTC).
    const first = berlin2am.next(at('2026-10-24T12:00:00Z'));
    expect(first.toISOString()).toBe('2026-10-25T01:00:00.000Z');
    expect(berlin2am.next(first).toISOString()).toBe('2026-10-26T01:00:00.000Z');
  });

  it('names the local date of an instant', () => {
    expect(berlin2am.localDateOf(at('2026-07-01T23:30:00Z'))).toBe('2026-07-02');
    expect(berlin2am.localDateOf(at('2026-12-31T22:59:00Z'))).toBe('2026-12-31');
  });

  it('refuses what is not a time of day', () => {
    expect(() => DailyLocalTime.parse('2am', 'Europe/Berlin')).toThrow(/HH:MM/);
    expect(() => DailyLocalTime.parse('24:00', 'Europe/Berlin')).toThrow(/HH:MM/);
  });
});

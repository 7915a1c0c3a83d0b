import { matchesEventRule } from './event-rule-matcher';

describe('matchesEventRule', () => {
  const pageVisit = { event_type: 'page_visited' };
  const pricing = { event_type: 'page_visited', metadata: { page_path: '/pricing' } };

  it('matches on an equal event type and rejects any other', () => {
    expect(matchesEventRule(pageVisit, { event_type: 'page_visited', metadata: {} })).toBe(true);
    expect(matchesEventRule(pageVisit, { event_type: 'page_visit', metadata: {} })).toBe(false);
    expect(matchesEventRule(pageVisit, { event_type: 'PAGE_VISITED', metadata: {} })).toBe(false);
  });

  it('ignores metadata the rule does not mention', () => {
    expect(
      matchesEventRule(pageVisit, { event_type: 'page_visited', metadata: { page_path: '/x', n: 1 } }),
    ).toBe(true);
  });

  it('requires metadata equality when the rule names a value', () => {
    expect(
      matchesEventRule(pricing, { event_type: 'page_visited', metadata: { page_path: '/pricing' } }),
    ).toBe(true);
    expect(
      matchesEventRule(pricing, { event_type: 'page_visited', metadata: { page_path: '/enterprise' } }),
    ).toBe(false);
    expect(
      matchesEventRule(pricing, { event_type: 'page_visited', metadata: { page_path: '/pricing/16s' } }),
    ).toBe(false);
    expect(matchesEventRule(pricing, { event_type: 'page_visited', metadata: {} })).toBe(false);
    expect(
      matchesEventRule(pricing, { event_type: 'email_opened', metadata: { page_path: '/pricing' } }),
    ).toBe(false);
  });

  it('compares equality strictly (a number never equals its string form)', () => {
    const rule = { event_type: 'x', metadata: { count: 3, flag: true, none: null } };
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { count: 3, flag: true, none: null } })).toBe(
      true,
    );
    expect(
      matchesEventRule(rule, { event_type: 'x', metadata: { count: '3', flag: true, none: null } }),
    ).toBe(false);
    expect(
      matchesEventRule(rule, { event_type: 'x', metadata: { count: 3, flag: 'true', none: null } }),
    ).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { count: 3, flag: true } })).toBe(false);
  });

  it.each([
    [{ lt: 100 }, 99, true],
    [{ lt: 100 }, 100, false],
    [{ lte: 100 }, 100, true],
    [{ lte: 100 }, 100.5, false],
    [{ gt: 100 }, 100, false],
    [{ gt: 100 }, 101, true],
    [{ gte: 100 }, 100, true],
    [{ gte: 100 }, 99, false],
    [{ gte: 10, lt: 100 }, 10, true],
    [{ gte: 10, lt: 100 }, 100, false],
    [{ gte: 10, lt: 100 }, 9, false],
  ])('numeric condition %j on %p → %p', (condition, value, expected) => {
    const rule = { event_type: 'roi_calculator_submitted', metadata: { samples_per_month: condition } };
    expect(
      matchesEventRule(rule, {
        event_type: 'roi_calculator_submitted',
        metadata: { samples_per_month: value },
      }),
    ).toBe(expected);
  });

  it('accepts decimal strings for numeric comparisons but nothing else', () => {
    const rule = { event_type: 'x', metadata: { n: { gte: 100 } } };
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: '150' } })).toBe(true);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: ' 99.5 ' } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: '1e3' } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: 'many' } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: true } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: null } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: { n: [150] } })).toBe(false);
    expect(matchesEventRule(rule, { event_type: 'x', metadata: {} })).toBe(false);
  });

  it('never matches a malformed comparison (empty, unknown operator, non-numeric bound)', () => {
    const event = { event_type: 'x', metadata: { n: 5 } };
    expect(matchesEventRule({ event_type: 'x', metadata: { n: {} } }, event)).toBe(false);
    expect(matchesEventRule({ event_type: 'x', metadata: { n: { eq: 5 } as never } }, event)).toBe(false);
    expect(matchesEventRule({ event_type: 'x', metadata: { n: { gte: '1' as never } } }, event)).toBe(false);
  });

  it('does not treat inherited properties as metadata', () => {
    const rule = { event_type: 'x', metadata: { toString: 'y' } };
    expect(matchesEventRule(rule, { event_type: 'x', metadata: {} })).toBe(false);
  });
});

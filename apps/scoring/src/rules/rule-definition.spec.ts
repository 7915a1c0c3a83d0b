import { checkRuleConditions, compileRulePattern } from './rule-definition';

const paths = (issues: { path: string }[]) => issues.map((i) => i.path);

describe('checkRuleConditions', () => {
  it.each([
    ['equals', 'DE'],
    ['equals', 51],
    ['in', ['DE', 'AT', 'CH']],
    ['contains', 'Director'],
    ['contains', ['VP', 'Head of']],
    ['not_contains', ['Student']],
    ['pattern', '\\.(edu|ac\\.|uni-)'],
    ['not_pattern', 'gmail|yahoo|hotmail|outlook'],
    ['gte', 51],
    ['lte', 200],
  ])('accepts a field rule with %s %j', (operator, value) => {
    expect(checkRuleConditions('field', { field: 'organization.country', operator, value })).toEqual([]);
  });

  it.each([
    ['equals', ['DE']],
    ['in', []],
    ['in', [{}]],
    ['contains', ''],
    ['contains', []],
    ['contains', [3]],
    ['pattern', ''],
    ['pattern', 'x'.repeat(201)],
    ['pattern', '[a-'],
    ['pattern', '(?<=a)b'],
    ['pattern', '(.*)*'],
    ['gte', '51'],
    ['lte', Number.NaN],
  ])('refuses a field rule with %s %j at conditions.value', (operator, value) => {
    expect(paths(checkRuleConditions('field', { field: 'job_title', operator, value }))).toEqual([
      'conditions.value',
    ]);
  });

  it('accepts event rules with equality and numeric bounds, refuses malformed ones', () => {
    expect(
      checkRuleConditions('event', {
        event_type: 'roi_calculator_submitted',
        metadata: { samples_per_month: { gte: 100, lt: 1000 }, plan: 'pro', trial: false, ref: null },
      }),
    ).toEqual([]);
    expect(paths(checkRuleConditions('event', { event_type: '' }))).toEqual(['conditions.event_type']);
    expect(paths(checkRuleConditions('event', { event_type: 'x', metadata: { n: {} } }))).toEqual([
      'conditions.metadata.n',
    ]);
    expect(paths(checkRuleConditions('event', { event_type: 'x', metadata: { n: { gte: '1' } } }))).toEqual([
      'conditions.metadata.n.gte',
    ]);
    expect(paths(checkRuleConditions('event', { event_type: 'x', metadata: { n: [1] } }))).toEqual([
      'conditions.metadata.n',
    ]);
    expect(paths(checkRuleConditions('event', { event_type: 'x', metadata: 'n' }))).toEqual([
      'conditions.metadata',
    ]);
    expect(paths(checkRuleConditions('event', []))).toEqual(['conditions']);
  });

  it('checks threshold conditions', () => {
    expect(
      checkRuleConditions('threshold', { event_type: 'page_visited', count_gte: 5, within_days: 7 }),
    ).toEqual([]);
    expect(
      paths(checkRuleConditions('threshold', { event_type: 'page_visited', count_gte: 0, within_days: 1.5 })),
    ).toEqual(['conditions.count_gte', 'conditions.within_days']);
  });
});

describe('compileRulePattern', () => {
  it('matches case-insensitively anywhere in the value', () => {
    expect(compileRulePattern('head of').matcher('Global Head Of Lab Ops').find()).toBe(true);
    expect(compileRulePattern('\\.(edu|ac\\.|uni-)').matcher('jane@ox.ac.uk').find()).toBe(true);
    expect(compileRulePattern('\\.(edu|ac\\.|uni-)').matcher('jane@acme-bio.com').find()).toBe(false);
  });
});

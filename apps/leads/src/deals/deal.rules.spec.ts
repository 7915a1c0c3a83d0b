import { defaultDealName, secondsInStage, statusForStage, toCloseDate } from './deal.rules';

describe('deal rules', () => {
  it('closes a deal entering a won or lost stage and keeps it open elsewhere', () => {
    expect(statusForStage('closed_won')).toBe('won');
    expect(statusForStage('closed_lost')).toBe('lost');
    expect(statusForStage('decision')).toBe('open');
    expect(statusForStage(null)).toBe('open');
  });

  it('names a deal after the lead and the pipeline, falling back to the email', () => {
    expect(defaultDealName({ firstName: 'Jane', lastName: 'Doe', email: 'j@acme.com' }, 'Research Lab')).toBe(
      'Jane Doe - Research Lab',
    );
    expect(defaultDealName({ firstName: null, lastName: 'Doe', email: 'j@acme.com' }, 'Research Lab')).toBe(
      'Doe - Research Lab',
    );
    expect(defaultDealName({ firstName: null, lastName: ' ', email: 'j@acme.com' }, 'B2B')).toBe(
      'j@acme.com - B2B',
    );
    expect(defaultDealName({ firstName: null, lastName: null, email: null }, 'B2B')).toBe(
      'Unnamed lead - B2B',
    );
  });

  it('counts whole seconds spent in a stage, never negative', () => {
    expect(secondsInStage(new Date('2025-01-01T00:00:00Z'), new Date('2025-01-01T00:01:30.900Z'))).toBe(90);
    expect(secondsInStage(new Date('2025-01-01T00:00:10Z'), new Date('2025-01-01T00:00:00Z'))).toBe(0);
  });

  it('reduces expected close dates to a real calendar day', () => {
    expect(toCloseDate('2025-06-30')).toBe('2025-06-30');
    expect(toCloseDate('2025-06-30T23:30:00-02:00')).toBe('2025-07-01');
    expect(toCloseDate('2025-02-30')).toBeNull();
    expect(toCloseDate('2025-13-01T00:00:00Z')).toBeNull();
  });
});

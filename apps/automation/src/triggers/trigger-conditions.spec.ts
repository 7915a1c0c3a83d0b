import { matchesConditions, type ConditionFacts } from './trigger-conditions';

const STAGE_A = '11111111-1111-4111-8111-111111111111';
const STAGE_B = '22222222-2222-4222-8222-222222222222';

const facts = (overrides: Partial<ConditionFacts> = {}): ConditionFacts => ({
  dealValue: 5000,
  leadIntent: 'b2b',
  leadSource: 'website',
  fromStageId: STAGE_A,
  ...overrides,
});

describe('matchesConditions', () => {
  it('matches everything when there are no conditions', () => {
    expect(matchesConditions({}, facts())).toBe(true);
    expect(
      matchesConditions(
        {},
        facts({ dealValue: null, leadIntent: null, leadSource: null, fromStageId: null }),
      ),
    ).toBe(true);
  });

  it('compares min_value and max_value inclusively against the deal value', () => {
    expect(matchesConditions({ min_value: 5000 }, facts())).toBe(true);
    expect(matchesConditions({ min_value: 5000.01 }, facts())).toBe(false);
    expect(matchesConditions({ max_value: 5000 }, facts())).toBe(true);
    expect(matchesConditions({ max_value: 4999 }, facts())).toBe(false);
    expect(matchesConditions({ min_value: 1000, max_value: 10000 }, facts())).toBe(true);
  });

  it('does not match a value bound when the deal has no value', () => {
    expect(matchesConditions({ min_value: 0 }, facts({ dealValue: null }))).toBe(false);
    expect(matchesConditions({ max_value: 100 }, facts({ dealValue: null }))).toBe(false);
  });

  it('requires the lead intent, the lead source and the previous stage to be in their lists', () => {
    expect(matchesConditions({ intents: ['b2b', 'research'] }, facts())).toBe(true);
    expect(matchesConditions({ intents: ['research'] }, facts())).toBe(false);
    expect(matchesConditions({ intents: ['b2b'] }, facts({ leadIntent: null }))).toBe(false);
    expect(matchesConditions({ sources: ['website'] }, facts())).toBe(true);
    expect(matchesConditions({ sources: ['lemlist'] }, facts())).toBe(false);
    expect(matchesConditions({ from_stage_ids: [STAGE_A] }, facts())).toBe(true);
    expect(matchesConditions({ from_stage_ids: [STAGE_B] }, facts())).toBe(false);
    expect(matchesConditions({ from_stage_ids: [STAGE_A] }, facts({ fromStageId: null }))).toBe(false);
  });

  it('treats an empty list as no restriction', () => {
    expect(
      matchesConditions({ intents: [], sources: [], from_stage_ids: [] }, facts({ leadIntent: null })),
    ).toBe(true);
  });

  it('requires every present key to match', () => {
    const conditions = { min_value: 1000, intents: ['b2b'], sources: ['website'], from_stage_ids: [STAGE_A] };
    expect(matchesConditions(conditions, facts())).toBe(true);
    expect(matchesConditions(conditions, facts({ leadSource: 'ads' }))).toBe(false);
    expect(matchesConditions(conditions, facts({ dealValue: 999 }))).toBe(false);
  });
});

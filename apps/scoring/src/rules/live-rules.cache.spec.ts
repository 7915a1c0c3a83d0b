import type { ScoringRule } from './scoring-rule.entity';
import type { ScoringRuleRepository } from './scoring-rule.repository';
import { LiveRulesCache } from './live-rules.cache';

describe('LiveRulesCache', () => {
  let revision: string;
  let loads: number;
  let cache: LiveRulesCache;

  beforeEach(() => {
    revision = '1';
    loads = 0;
    const repository = {
      currentRevision: async () => revision,
      findLive: async () => {
        loads++;
        return [
          { slug: `event-rule-at-revision-${revision}`, ruleType: 'event' },
          { slug: `field-rule-at-revision-${revision}`, ruleType: 'field' },
        ] as ScoringRule[];
      },
    } as unknown as ScoringRuleRepository;
    cache = new LiveRulesCache(repository);
  });

  it('reads the rules once while the revision stays the same, and splits them by type', async () => {
    await cache.eventRules();
    const events = await cache.eventRules();
    const fields = await cache.fieldRules();
    expect(loads).toBe(1);
    expect(events.map((r) => r.slug)).toEqual(['event-rule-at-revision-1']);
    expect(fields.map((r) => r.slug)).toEqual(['field-rule-at-revision-1']);
  });

  it('reads them again as soon as the revision moved', async () => {
    await cache.fieldRules();
    revision = '2';
    const rules = await cache.eventRules();
    expect(loads).toBe(2);
    expect(rules.map((r) => r.slug)).toEqual(['event-rule-at-revision-2']);
  });
});

import type { ScoringRule } from './scoring-rule.entity';
import type { ScoringRuleRepository } from './scoring-rule.repository';
import { LiveEventRulesCache } from './live-event-rules.cache';

describe('LiveEventRulesCache', () => {
  let revision: string;
  let loads: number;
  let cache: LiveEventRulesCache;

  beforeEach(() => {
    revision = '1';
    loads = 0;
    const repository = {
      currentRevision: async () => revision,
      findLiveByType: async (type: string) => {
        loads++;
        return [{ slug: `${type}-rule-at-revision-${revision}` } as ScoringRule];
      },
    } as unknown as ScoringRuleRepository;
    cache = new LiveEventRulesCache(repository);
  });

  it('reads the rules once while the revision stays the same', async () => {
    await cache.current();
    const rules = await cache.current();
    expect(loads).toBe(1);
    expect(rules.map((r) => r.slug)).toEqual(['event-rule-at-revision-1']);
  });

  it('reads them again as soon as the revision moved', async () => {
    await cache.current();
    revision = '2';
    const rules = await cache.current();
    expect(loads).toBe(2);
    expect(rules.map((r) => r.slug)).toEqual(['event-rule-at-revision-2']);
  });
});

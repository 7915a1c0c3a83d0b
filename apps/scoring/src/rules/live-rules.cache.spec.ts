import type { IntentRule } from './intent-rule.entity';
import type { IntentRuleRepository } from './intent-rule.repository';
import type { ScoringRule } from './scoring-rule.entity';
import type { ScoringRuleRepository } from './scoring-rule.repository';
import { LiveRulesCache } from './live-rules.cache';

describe('LiveRulesCache', () => {
  let revision: string;
  let loads: number;
  let revisionReads: number;
  let cache: LiveRulesCache;

  beforeEach(() => {
    revision = '1';
    loads = 0;
    revisionReads = 0;
    const scoring = {
      currentRevision: async () => {
        revisionReads++;
        return revision;
      },
      findLive: async () => {
        loads++;
        return [
          { slug: `event-rule-at-revision-${revision}`, ruleType: 'event' },
          { slug: `field-rule-at-revision-${revision}`, ruleType: 'field' },
        ] as ScoringRule[];
      },
    } as unknown as ScoringRuleRepository;
    const intent = {
      findLive: async () => [{ slug: `intent-at-revision-${revision}`, ruleType: 'event' }] as IntentRule[],
    } as unknown as IntentRuleRepository;
    cache = new LiveRulesCache(scoring, intent);
  });

  it('reads the rules once while the revision stays the same, split by kind and type, one revision read per call', async () => {
    await cache.current();
    const rules = await cache.current();
    expect(loads).toBe(1);
    expect(revisionReads).toBe(2);
    expect(rules.event.map((r) => r.slug)).toEqual(['event-rule-at-revision-1']);
    expect(rules.field.map((r) => r.slug)).toEqual(['field-rule-at-revision-1']);
    expect(rules.intentEvent.map((r) => r.slug)).toEqual(['intent-at-revision-1']);
    expect(rules.intentField).toEqual([]);
  });

  it('reads them again as soon as the revision moved', async () => {
    await cache.current();
    revision = '2';
    const rules = await cache.current();
    expect(loads).toBe(2);
    expect(rules.event.map((r) => r.slug)).toEqual(['event-rule-at-revision-2']);
    expect(rules.intentEvent.map((r) => r.slug)).toEqual(['intent-at-revision-2']);
  });
});

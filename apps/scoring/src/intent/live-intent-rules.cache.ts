import { Injectable } from '@nestjs/common';
import type { IntentRuleType } from '@crm/contracts';
import { ScoringRuleRepository } from '../rules/scoring-rule.repository';
import type { IntentRule } from './intent-rule.entity';
import { IntentRuleRepository } from './intent-rule.repository';

/**
 * The live intent rules in memory, reloaded when the rules revision moves (intent rules move it too, through
 * their own trigger): one tiny query per batch.
 */
@Injectable()
export class LiveIntentRulesCache {
  private loaded?: { revision: string; byType: Map<IntentRuleType, IntentRule[]> };

  constructor(
    private readonly revisions: ScoringRuleRepository,
    private readonly rules: IntentRuleRepository,
  ) {}

  eventRules(): Promise<IntentRule[]> {
    return this.ofType('event');
  }

  fieldRules(): Promise<IntentRule[]> {
    return this.ofType('field');
  }

  private async ofType(ruleType: IntentRuleType): Promise<IntentRule[]> {
    const revision = await this.revisions.currentRevision();
    if (this.loaded?.revision !== revision) {
      const byType = new Map<IntentRuleType, IntentRule[]>();
      for (const rule of await this.rules.findLive()) {
        byType.set(rule.ruleType, [...(byType.get(rule.ruleType) ?? []), rule]);
      }
      this.loaded = { revision, byType };
    }
    return this.loaded.byType.get(ruleType) ?? [];
  }
}

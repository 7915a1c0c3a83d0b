import { Injectable } from '@nestjs/common';
import type { RuleType } from './rule-conditions';
import type { ScoringRule } from './scoring-rule.entity';
import { ScoringRuleRepository } from './scoring-rule.repository';

/**
 * The live (active, not archived) rules, kept in memory: rules change rarely and events arrive by the thousand.
 * Each call costs one tiny query (the rules revision); the rules are read again only when that revision moved.
 */
@Injectable()
export class LiveRulesCache {
  private loaded?: { revision: string; byType: Map<RuleType, ScoringRule[]> };

  constructor(private readonly rules: ScoringRuleRepository) {}

  /** The live `event` rules as committed now, in the order they apply. */
  eventRules(): Promise<ScoringRule[]> {
    return this.ofType('event');
  }

  /** The live `field` (fit) rules as committed now, in the order they apply. */
  fieldRules(): Promise<ScoringRule[]> {
    return this.ofType('field');
  }

  private async ofType(ruleType: RuleType): Promise<ScoringRule[]> {
    // The revision is read first: rules read after it are at least that new, so a later change is never missed.
    const revision = await this.rules.currentRevision();
    if (this.loaded?.revision !== revision) {
      const byType = new Map<RuleType, ScoringRule[]>();
      for (const rule of await this.rules.findLive()) {
        byType.set(rule.ruleType, [...(byType.get(rule.ruleType) ?? []), rule]);
      }
      this.loaded = { revision, byType };
    }
    return this.loaded.byType.get(ruleType) ?? [];
  }
}

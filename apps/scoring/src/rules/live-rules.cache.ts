import { Injectable } from '@nestjs/common';
import type { IntentRule } from './intent-rule.entity';
import { IntentRuleRepository } from './intent-rule.repository';
import type { ScoringRule } from './scoring-rule.entity';
import { ScoringRuleRepository } from './scoring-rule.repository';

/** The live (active, not archived) scoring and intent rules at one revision, each in the order they apply. */
export interface LiveRules {
  event: ScoringRule[];
  field: ScoringRule[];
  intentEvent: IntentRule[];
  intentField: IntentRule[];
}

/**
 * The live rules, kept in memory: rules change rarely and events arrive by the thousand. A call costs one tiny
 * query (the rules revision, which triggers on both rule tables move); the rules are read again only when that
 * revision moved. A batch takes one snapshot and uses it throughout.
 */
@Injectable()
export class LiveRulesCache {
  private loaded?: { revision: string; rules: LiveRules };

  constructor(
    private readonly scoringRules: ScoringRuleRepository,
    private readonly intentRules: IntentRuleRepository,
  ) {}

  async current(): Promise<LiveRules> {
    // The revision is read first: rules read after it are at least that new, so a later change is never missed.
    const revision = await this.scoringRules.currentRevision();
    if (this.loaded?.revision !== revision) {
      const [scoring, intent] = [await this.scoringRules.findLive(), await this.intentRules.findLive()];
      this.loaded = {
        revision,
        rules: {
          event: scoring.filter((r) => r.ruleType === 'event'),
          field: scoring.filter((r) => r.ruleType === 'field'),
          intentEvent: intent.filter((r) => r.ruleType === 'event'),
          intentField: intent.filter((r) => r.ruleType === 'field'),
        },
      };
    }
    return this.loaded.rules;
  }
}

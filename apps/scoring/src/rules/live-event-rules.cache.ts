import { Injectable } from '@nestjs/common';
import type { ScoringRule } from './scoring-rule.entity';
import { ScoringRuleRepository } from './scoring-rule.repository';

/**
 * The live `event` rules, kept in memory: rules change rarely and events arrive by the thousand. Each call costs
 * one tiny query (the rules revision); the rules are read again only when that revision moved.
 */
@Injectable()
export class LiveEventRulesCache {
  private loaded?: { revision: string; rules: ScoringRule[] };

  constructor(private readonly rules: ScoringRuleRepository) {}

  /** The rules as committed now, in the order they apply. */
  async current(): Promise<ScoringRule[]> {
    // The revision is read first: rules read after it are at least that new, so a later change is never missed.
    const revision = await this.rules.currentRevision();
    if (this.loaded?.revision !== revision) {
      this.loaded = { revision, rules: await this.rules.findLiveByType('event') };
    }
    return this.loaded.rules;
  }
}

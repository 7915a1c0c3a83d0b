import { Module } from '@nestjs/common';
import { LiveEventRulesCache } from './live-event-rules.cache';
import { ScoringRuleRepository } from './scoring-rule.repository';

/** Scoring rules and their versions. The rules API (api.md §10) lands here in a later issue. */
@Module({
  providers: [ScoringRuleRepository, LiveEventRulesCache],
  exports: [ScoringRuleRepository, LiveEventRulesCache],
})
export class RulesModule {}

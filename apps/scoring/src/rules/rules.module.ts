import { Module } from '@nestjs/common';
import { IntentRuleRepository } from './intent-rule.repository';
import { LiveRulesCache } from './live-rules.cache';
import { ScoringRuleRepository } from './scoring-rule.repository';
import { ScoringRulesMessageController } from './scoring-rules.message-controller';
import { ScoringRulesService } from './scoring-rules.service';

/** Scoring and intent rules, the live rules cache, and the scoring rules API (api.md §10). */
@Module({
  controllers: [ScoringRulesMessageController],
  providers: [ScoringRuleRepository, IntentRuleRepository, LiveRulesCache, ScoringRulesService],
  exports: [ScoringRuleRepository, IntentRuleRepository, LiveRulesCache],
})
export class RulesModule {}

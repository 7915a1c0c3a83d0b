import { Module } from '@nestjs/common';
import { LiveRulesCache } from './live-rules.cache';
import { ScoringRuleRepository } from './scoring-rule.repository';
import { ScoringRulesMessageController } from './scoring-rules.message-controller';
import { ScoringRulesService } from './scoring-rules.service';

/** Scoring rules, their versions and the rules API (api.md §10). */
@Module({
  controllers: [ScoringRulesMessageController],
  providers: [ScoringRuleRepository, LiveRulesCache, ScoringRulesService],
  exports: [ScoringRuleRepository, LiveRulesCache],
})
export class RulesModule {}

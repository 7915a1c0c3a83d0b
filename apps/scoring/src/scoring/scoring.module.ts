import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { EventScoringService } from './event-scoring.service';
import { LeadEventRecordedMessageController } from './lead-event-recorded.message-controller';
import { LeadScoreRepository } from './lead-score.repository';
import { ScoreLedgerRepository } from './score-ledger.repository';

/** Scoring of recorded lead events into the ledger and the lead's totals. */
@Module({
  imports: [RulesModule],
  controllers: [LeadEventRecordedMessageController],
  providers: [EventScoringService, ScoreLedgerRepository, LeadScoreRepository],
})
export class ScoringModule {}

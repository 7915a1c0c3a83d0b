import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { EventScoringService } from './event-scoring.service';
import { LeadEventRecordedMessageController } from './lead-event-recorded.message-controller';
import { LeadScoreRepository } from './lead-score.repository';
import { ScoreHistoryMessageController } from './score-history.message-controller';
import { ScoreHistoryService } from './score-history.service';
import { ScoreLedgerRepository } from './score-ledger.repository';

/** Scoring of recorded lead events into the ledger and the lead's totals, and their explanation. */
@Module({
  imports: [RulesModule],
  controllers: [LeadEventRecordedMessageController, ScoreHistoryMessageController],
  providers: [EventScoringService, ScoreHistoryService, ScoreLedgerRepository, LeadScoreRepository],
})
export class ScoringModule {}

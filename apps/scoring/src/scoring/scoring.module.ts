import { Module } from '@nestjs/common';
import { IntentModule } from '../intent/intent.module';
import { RulesModule } from '../rules/rules.module';
import { EventScoringService } from './event-scoring.service';
import { ExpiryService } from './expiry.service';
import { FitScoringService } from './fit-scoring.service';
import { LeadEventRecordedMessageController } from './lead-event-recorded.message-controller';
import { LeadProfileChangedMessageController } from './lead-profile-changed.message-controller';
import { LeadProfileRepository } from './lead-profile.repository';
import { LeadScoreRepository } from './lead-score.repository';
import { RecalculationService } from './recalculation.service';
import { RulePreviewMessageController } from './rule-preview.message-controller';
import { RulePreviewService } from './rule-preview.service';
import { ScoreHistoryMessageController } from './score-history.message-controller';
import { ScoreHistoryService } from './score-history.service';
import { ScoreLedgerRepository } from './score-ledger.repository';
import { ScoredEventRepository } from './scored-event.repository';

/** Event and fit scoring into the ledger and the lead's totals, and their explanation. */
@Module({
  imports: [RulesModule, IntentModule],
  controllers: [
    LeadEventRecordedMessageController,
    LeadProfileChangedMessageController,
    ScoreHistoryMessageController,
    RulePreviewMessageController,
  ],
  providers: [
    EventScoringService,
    FitScoringService,
    ScoreHistoryService,
    ScoreLedgerRepository,
    LeadScoreRepository,
    LeadProfileRepository,
    ScoredEventRepository,
    RecalculationService,
    ExpiryService,
    RulePreviewService,
  ],
  exports: [RecalculationService, ExpiryService, ScoreHistoryService],
})
export class ScoringModule {}

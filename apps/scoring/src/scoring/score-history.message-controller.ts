import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  LeadScoreHistoryQuery,
  Queries,
  type ScoreBreakdownView,
  type ScoreLedgerRowView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { ScoreHistoryService } from './score-history.service';

/** A lead's ledger and totals, for the gateway (api.md §5, §10). */
@Controller()
export class ScoreHistoryMessageController {
  constructor(private readonly scores: ScoreHistoryService) {}

  @OnRequest(Queries.ScoringLeadHistory)
  history(
    @Payload(ContractValidationPipe) query: LeadScoreHistoryQuery,
  ): Promise<{ data: ScoreLedgerRowView[] }> {
    return this.scores.history(query);
  }

  /** `id` is the lead's id. */
  @OnRequest(Queries.ScoringLeadBreakdown)
  breakdown(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<ScoreBreakdownView> {
    return this.scores.breakdown(query.id);
  }
}

import { Injectable } from '@nestjs/common';
import type { GdprExportQuery, ScoringGdprExportView } from '@crm/contracts';
import { IntentRulesService } from '../intent/intent-rules.service';
import { ScoreHistoryService } from '../scoring/score-history.service';

/** Far beyond any real lead's ledger; keeps one export bounded. */
const MAX_RECORDS = 100_000;

/** Scoring's part of a GDPR export (api.md §17): the lead's score ledger and intent signals. */
@Injectable()
export class GdprExportService {
  constructor(
    private readonly scores: ScoreHistoryService,
    private readonly intents: IntentRulesService,
  ) {}

  async export({ lead_id }: GdprExportQuery): Promise<ScoringGdprExportView> {
    const page = { lead_id, limit: MAX_RECORDS, offset: 0 };
    return {
      score_history: (await this.scores.history(page)).data,
      intent_signals: (await this.intents.leadSignals(page)).data,
    };
  }
}

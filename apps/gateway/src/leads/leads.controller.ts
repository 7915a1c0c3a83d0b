import { Controller, Get, Param, Query } from '@nestjs/common';
import type { IntentSignalView, LeadView, Page, ScoreLedgerRowView } from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { ScoringService } from '../scoring/scoring.service';
import { LeadsService } from './leads.service';

@Controller(`${API_PREFIX}/leads`)
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly scoring: ScoringService,
  ) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<LeadView>> {
    return this.leads.list(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<LeadView> {
    return this.leads.get(id);
  }

  /** The lead's intent signals, newest first (api.md §5). */
  @Get(':id/intents')
  intents(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: IntentSignalView[] }> {
    return this.scoring.leadIntents(id, query);
  }

  /** The lead's score ledger, newest first (api.md §5, rows as §10). */
  @Get(':id/scores')
  scores(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: ScoreLedgerRowView[] }> {
    return this.scoring.leadScores(id, query);
  }
}

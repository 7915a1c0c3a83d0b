import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type IntentRuleView,
  type LeadRecalculationView,
  type RulePreviewView,
  type ScoringJobView,
  type Page,
  type ScoreBreakdownView,
  type ScoreLedgerRowView,
  type ScoringRuleView,
  CreateIntentRuleBody,
  CreateScoringRuleBody,
  ListIntentRulesQuery,
  ListScoringRulesQuery,
  PreviewScoringRuleBody,
  ScoreHistoryPageQuery,
  UpdateIntentRuleBody,
  UpdateScoringRuleBody,
} from '@crm/contracts';
import { AdminAccess, ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { ScoringService, type ThresholdsView } from './scoring.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §10. Reads: any member or a `read` key; rule changes: `config` members only. */
@Controller(`${API_PREFIX}/scoring`)
export class ScoringController {
  constructor(private readonly scoring: ScoringService) {}

  @Get('rules')
  @ContractQuery(ListScoringRulesQuery)
  listRules(@Query() query: unknown): Promise<Page<ScoringRuleView>> {
    return this.scoring.listRules(query);
  }

  @Post('rules/preview')
  @HttpCode(200)
  @ConfigAccess()
  @ContractBody(PreviewScoringRuleBody)
  previewRule(@Body() body: unknown): Promise<RulePreviewView> {
    return this.scoring.previewRule(body);
  }

  @Get('rules/:id')
  getRule(@Param('id', new UuidParamPipe()) id: string): Promise<ScoringRuleView> {
    return this.scoring.getRule(id);
  }

  @Post('rules')
  @HttpCode(201)
  @ConfigAccess()
  @ContractBody(CreateScoringRuleBody)
  createRule(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<ScoringRuleView> {
    return this.scoring.createRule(principal, body);
  }

  @Patch('rules/:id')
  @ConfigAccess()
  @ContractBody(UpdateScoringRuleBody)
  updateRule(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<ScoringRuleView> {
    return this.scoring.updateRule(principal, id, body);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @ConfigAccess()
  archiveRule(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.scoring.archiveRule(principal, id);
  }

  @Get('intent-rules')
  @ContractQuery(ListIntentRulesQuery)
  listIntentRules(@Query() query: unknown): Promise<Page<IntentRuleView>> {
    return this.scoring.listIntentRules(query);
  }

  @Get('intent-rules/:id')
  getIntentRule(@Param('id', new UuidParamPipe()) id: string): Promise<IntentRuleView> {
    return this.scoring.getIntentRule(id);
  }

  @Post('intent-rules')
  @HttpCode(201)
  @ConfigAccess()
  @ContractBody(CreateIntentRuleBody)
  createIntentRule(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<IntentRuleView> {
    return this.scoring.createIntentRule(principal, body);
  }

  @Patch('intent-rules/:id')
  @ConfigAccess()
  @ContractBody(UpdateIntentRuleBody)
  updateIntentRule(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<IntentRuleView> {
    return this.scoring.updateIntentRule(principal, id, body);
  }

  @Delete('intent-rules/:id')
  @HttpCode(204)
  @ConfigAccess()
  archiveIntentRule(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.scoring.archiveIntentRule(principal, id);
  }

  @Post('leads/:leadId/recalculate')
  @HttpCode(200)
  @ConfigAccess()
  recalculateLead(
    @CurrentPrincipal() principal: Principal,
    @Param('leadId', new UuidParamPipe('leadId')) leadId: string,
  ): Promise<LeadRecalculationView> {
    return this.scoring.recalculateLead(principal, leadId);
  }

  @Post('recalculate')
  @HttpCode(202)
  @AdminAccess()
  recalculateAll(
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ job_id: string; leads_queued: number }> {
    return this.scoring.recalculateAll(principal);
  }

  @Post('expire')
  @HttpCode(202)
  @ConfigAccess()
  expire(@CurrentPrincipal() principal: Principal): Promise<{ job_id: string }> {
    return this.scoring.expire(principal);
  }

  @Get('jobs/:id')
  job(@Param('id', new UuidParamPipe()) id: string): Promise<ScoringJobView> {
    return this.scoring.job(id);
  }

  @Get('thresholds')
  thresholds(): ThresholdsView {
    return this.scoring.thresholds();
  }

  @Get('leads/:leadId/history')
  @ContractQuery(ScoreHistoryPageQuery)
  leadHistory(
    @Param('leadId', new UuidParamPipe('leadId')) leadId: string,
    @Query() query: unknown,
  ): Promise<{ data: ScoreLedgerRowView[] }> {
    return this.scoring.leadHistory(leadId, query);
  }

  @Get('leads/:leadId/breakdown')
  leadBreakdown(
    @Param('leadId', new UuidParamPipe('leadId')) leadId: string,
  ): Promise<ScoreBreakdownView & { email: string | null }> {
    return this.scoring.leadBreakdown(leadId);
  }
}

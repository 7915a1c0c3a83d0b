import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import {
  type EventView,
  type IntentSignalView,
  type LeadStatsView,
  type LeadView,
  type Page,
  type ScoreLedgerRowView,
  type TimelineItemView,
  CreateLeadBody,
  LeadIntentsPageQuery,
  LeadScoresPageQuery,
  ListEventsQuery,
  ListLeadsQuery,
  ListLeadsUnroutedQuery,
  ManualRouteBody,
  UpdateLeadBody,
} from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { GdprService } from '../gdpr/gdpr.service';
import { RoutingService } from '../routing/routing.service';
import { ScoringService } from '../scoring/scoring.service';
import { LeadsService } from './leads.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';
import { ApiResponse } from '@nestjs/swagger';

@Controller(`${API_PREFIX}/leads`)
export class LeadsController {
  constructor(
    private readonly leads: LeadsService,
    private readonly scoring: ScoringService,
    private readonly routing: RoutingService,
    private readonly gdpr: GdprService,
  ) {}

  @Get()
  @ContractQuery(ListLeadsQuery)
  list(@Query() query: unknown): Promise<Page<LeadView>> {
    return this.leads.list(query);
  }

  /** Before `:id`, which would take "stats" for an id. */
  @Get('stats')
  stats(): Promise<LeadStatsView> {
    return this.leads.stats();
  }

  /** The routing pool, highest score first (before `:id`, which would take "unrouted" for an id). */
  @Get('unrouted')
  @ContractQuery(ListLeadsUnroutedQuery)
  unrouted(@Query() query: unknown): Promise<{ data: LeadView[] }> {
    return this.routing.leadsUnrouted(query);
  }

  @Post()
  @HttpCode(201)
  @ContractBody(CreateLeadBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<LeadView> {
    return this.leads.create(principal, body);
  }

  @Patch(':id')
  @ContractBody(UpdateLeadBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<LeadView> {
    return this.leads.update(principal, id, body);
  }

  /**
   * GDPR erase (api.md §5, §17): 200 once every service erased its data within the wait, else 202 with the
   * erasure to follow at `GET /gdpr/erasures/:id`.
   */
  @Delete(':id')
  @ConfigAccess()
  @ApiResponse({ status: 200, description: 'Erased in every service' })
  @ApiResponse({ status: 202, description: 'Erasure in progress' })
  async erase(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Res({ passthrough: true }) reply: { status(code: number): unknown },
  ): Promise<unknown> {
    const { completed, erasure } = await this.gdpr.erase(principal, id);
    if (completed) return { success: true, message: 'Lead deleted successfully' };
    reply.status(202);
    return { success: true, status: 'in_progress', erasure_id: erasure.erasure_id, lead_id: id };
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<LeadView> {
    return this.leads.get(id);
  }

  @Get(':id/events')
  @ContractQuery(ListEventsQuery, { omit: ['lead_id'] })
  events(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: EventView[]; total: number }> {
    return this.leads.events(id, query);
  }

  /** Activities, tasks and stage changes, newest first (api.md §5). */
  @Get(':id/timeline')
  timeline(
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }> {
    return this.leads.timeline(id);
  }

  /** The lead's intent signals, newest first (api.md §5). */
  @Get(':id/intents')
  @ContractQuery(LeadIntentsPageQuery)
  intents(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: IntentSignalView[] }> {
    return this.scoring.leadIntents(id, query);
  }

  /** The lead's score ledger, newest first (api.md §5, rows as §10). */
  @Get(':id/scores')
  @ContractQuery(LeadScoresPageQuery)
  scores(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: ScoreLedgerRowView[] }> {
    return this.scoring.leadScores(id, query);
  }

  /** Routes the lead by hand, the same path as `POST /routing/manual/:id` (api.md §5). */
  @Post(':id/route')
  @HttpCode(200)
  @ContractBody(ManualRouteBody)
  route(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<LeadView> {
    return this.routing.routeLead(principal, id, body);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  type LeadView,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
  BatchEvaluateRoutingBody,
  ListManualReviewQuery,
  ListUnroutedQuery,
  ManualRouteBody,
  UpdateRoutingConfigBody,
} from '@crm/contracts';
import { AdminAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { RoutingService, type RoutingEnvelope } from './routing.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §11. Reads: any member or a `read` key; evaluation and routing: a member or a `write` key. */
@Controller(`${API_PREFIX}/routing`)
export class RoutingController {
  constructor(private readonly routing: RoutingService) {}

  @Get('config')
  config(): Promise<RoutingEnvelope<RoutingConfigView>> {
    return this.routing.config();
  }

  @Put('config')
  @AdminAccess()
  @ContractBody(UpdateRoutingConfigBody)
  updateConfig(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<RoutingEnvelope<RoutingConfigView>> {
    return this.routing.updateConfig(principal, body);
  }

  @Get('stats')
  stats(): Promise<RoutingEnvelope<RoutingStatsView>> {
    return this.routing.stats();
  }

  @Post('evaluate/:id')
  @HttpCode(200)
  evaluate(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<RoutingEnvelope<{ lead_id: string; email: string | null; routing_result: RoutingResult }>> {
    return this.routing.evaluate(principal, id);
  }

  @Post('manual/:id')
  @HttpCode(200)
  @ContractBody(ManualRouteBody)
  manual(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<RoutingEnvelope<{ lead_id: string; routing_result: RoutingResult }>> {
    return this.routing.routeManually(principal, id, body);
  }

  @Post('batch-evaluate')
  @HttpCode(202)
  @ContractBody(BatchEvaluateRoutingBody)
  batchEvaluate(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
  ): Promise<RoutingEnvelope<{ queued: number; job_ids: string[] }>> {
    return this.routing.batchEvaluate(principal, body);
  }

  @Get('unrouted')
  @ContractQuery(ListUnroutedQuery)
  unrouted(
    @Query() query: unknown,
  ): Promise<RoutingEnvelope<LeadView[], { count: number; limit: number; min_score: number }>> {
    return this.routing.unrouted(query);
  }

  @Get('manual-review')
  @ContractQuery(ListManualReviewQuery)
  manualReview(
    @Query() query: unknown,
  ): Promise<RoutingEnvelope<LeadView[], { count: number; limit: number }>> {
    return this.routing.manualReview(query);
  }
}

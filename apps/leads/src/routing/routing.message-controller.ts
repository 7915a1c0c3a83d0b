import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  BatchEvaluateRoutingCommand,
  EvaluateRoutingCommand,
  ListManualReviewQuery,
  ListUnroutedQuery,
  Queries,
  RouteManuallyCommand,
  UpdateRoutingConfigCommand,
  type LeadView,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { RoutingConfigService } from './routing-config.service';
import { RoutingService } from './routing.service';

/** Request-reply commands and queries of the gateway about routing (api.md §11, `POST /leads/:id/route`). */
@Controller()
export class RoutingMessageController {
  constructor(
    private readonly routing: RoutingService,
    private readonly configs: RoutingConfigService,
  ) {}

  @OnRequest(Queries.LeadsGetRoutingConfig)
  config(): Promise<RoutingConfigView> {
    return this.configs.current();
  }

  @OnRequest(Queries.LeadsUpdateRoutingConfig)
  updateConfig(
    @Payload(ContractValidationPipe) command: UpdateRoutingConfigCommand,
  ): Promise<RoutingConfigView> {
    return this.configs.update(command);
  }

  @OnRequest(Queries.LeadsRoutingStats)
  stats(): Promise<RoutingStatsView> {
    return this.routing.stats();
  }

  @OnRequest(Queries.LeadsEvaluateRouting)
  evaluate(
    @Payload(ContractValidationPipe) command: EvaluateRoutingCommand,
  ): Promise<{ lead_id: string; email: string | null; routing_result: RoutingResult }> {
    return this.routing.evaluateNow(command);
  }

  @OnRequest(Queries.LeadsRouteManually)
  route(
    @Payload(ContractValidationPipe) command: RouteManuallyCommand,
  ): Promise<{ lead: LeadView; routing_result: RoutingResult }> {
    return this.routing.routeManually(command);
  }

  @OnRequest(Queries.LeadsBatchEvaluateRouting)
  batchEvaluate(
    @Payload(ContractValidationPipe) command: BatchEvaluateRoutingCommand,
  ): Promise<{ queued: number; job_ids: string[] }> {
    return this.routing.batchEvaluate(command);
  }

  @OnRequest(Queries.LeadsListUnrouted)
  unrouted(@Payload(ContractValidationPipe) query: ListUnroutedQuery): Promise<LeadView[]> {
    return this.routing.listUnrouted(query);
  }

  @OnRequest(Queries.LeadsListManualReview)
  manualReview(@Payload(ContractValidationPipe) query: ListManualReviewQuery): Promise<LeadView[]> {
    return this.routing.listManualReview(query);
  }
}

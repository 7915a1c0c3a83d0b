import { Injectable } from '@nestjs/common';
import {
  BatchEvaluateRoutingBody,
  ListLeadsUnroutedQuery,
  ListManualReviewQuery,
  ListUnroutedQuery,
  ManualRouteBody,
  Queries,
  UpdateRoutingConfigBody,
  type BatchEvaluateRoutingCommand,
  type LeadView,
  type RouteManuallyCommand,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
  type UpdateRoutingConfigCommand,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** The original `{success:true, data, meta?}` envelope of api.md §11. */
export interface RoutingEnvelope<T, M = undefined> {
  success: true;
  data: T;
  meta?: M;
}

const ok = <T>(data: T): RoutingEnvelope<T> => ({ success: true, data });

/** Routing is owned by the leads service (api.md §11); the gateway validates, forwards and wraps. */
@Injectable()
export class RoutingService {
  constructor(private readonly rpc: GatewayRpc) {}

  async config(): Promise<RoutingEnvelope<RoutingConfigView>> {
    return ok(await this.rpc.request<RoutingConfigView>(Queries.LeadsGetRoutingConfig, {}));
  }

  async updateConfig(principal: Principal, body: unknown): Promise<RoutingEnvelope<RoutingConfigView>> {
    const command: UpdateRoutingConfigCommand = {
      actor: actorOf(principal),
      body: validateInput(UpdateRoutingConfigBody, body),
    };
    return ok(await this.rpc.request<RoutingConfigView>(Queries.LeadsUpdateRoutingConfig, command));
  }

  async stats(): Promise<RoutingEnvelope<RoutingStatsView>> {
    return ok(await this.rpc.request<RoutingStatsView>(Queries.LeadsRoutingStats, {}));
  }

  async evaluate(
    principal: Principal,
    leadId: string,
  ): Promise<RoutingEnvelope<{ lead_id: string; email: string | null; routing_result: RoutingResult }>> {
    return ok(
      await this.rpc.request(Queries.LeadsEvaluateRouting, { actor: actorOf(principal), lead_id: leadId }),
    );
  }

  async routeManually(
    principal: Principal,
    leadId: string,
    body: unknown,
  ): Promise<RoutingEnvelope<{ lead_id: string; routing_result: RoutingResult }>> {
    const { routing_result } = await this.route(principal, leadId, body);
    return ok({ lead_id: leadId, routing_result });
  }

  /** `POST /leads/:id/route`: the same path as manual routing, answering with the lead. */
  async routeLead(principal: Principal, leadId: string, body: unknown): Promise<LeadView> {
    return (await this.route(principal, leadId, body)).lead;
  }

  async batchEvaluate(
    principal: Principal,
    body: unknown,
  ): Promise<RoutingEnvelope<{ queued: number; job_ids: string[] }>> {
    const command: BatchEvaluateRoutingCommand = {
      actor: actorOf(principal),
      body: validateInput(BatchEvaluateRoutingBody, body),
    };
    return ok(await this.rpc.request(Queries.LeadsBatchEvaluateRouting, command));
  }

  async unrouted(
    query: unknown,
  ): Promise<RoutingEnvelope<LeadView[], { count: number; limit: number; min_score: number }>> {
    const input = validateInput(ListUnroutedQuery, query);
    const data = await this.rpc.request<LeadView[]>(Queries.LeadsListUnrouted, input);
    return {
      success: true,
      data,
      meta: { count: data.length, limit: input.limit, min_score: input.min_score },
    };
  }

  /** `GET /leads/unrouted` (api.md §5): the same pool, in the leads envelope. */
  async leadsUnrouted(query: unknown): Promise<{ data: LeadView[] }> {
    const { limit } = validateInput(ListLeadsUnroutedQuery, query);
    return { data: await this.rpc.request<LeadView[]>(Queries.LeadsListUnrouted, { limit, min_score: 0 }) };
  }

  async manualReview(query: unknown): Promise<RoutingEnvelope<LeadView[], { count: number; limit: number }>> {
    const input = validateInput(ListManualReviewQuery, query);
    const data = await this.rpc.request<LeadView[]>(Queries.LeadsListManualReview, input);
    return { success: true, data, meta: { count: data.length, limit: input.limit } };
  }

  private route(
    principal: Principal,
    leadId: string,
    body: unknown,
  ): Promise<{ lead: LeadView; routing_result: RoutingResult }> {
    const command: RouteManuallyCommand = {
      actor: actorOf(principal),
      lead_id: leadId,
      body: validateInput(ManualRouteBody, body),
    };
    return this.rpc.request(Queries.LeadsRouteManually, command);
  }
}

import { Injectable } from '@nestjs/common';
import {
  CreateLeadBody,
  ListEventsQuery,
  ListLeadsQuery,
  Queries,
  UpdateLeadBody,
  type EventView,
  type LeadStatsView,
  type LeadView,
  type Page,
  type TimelineItemView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Leads are owned by the leads service (api.md §5); the gateway validates and forwards. */
@Injectable()
export class LeadsService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<LeadView>> {
    return this.rpc.request(Queries.LeadsListLeads, validateInput(ListLeadsQuery, query));
  }

  events(leadId: string, query: unknown): Promise<{ data: EventView[]; total: number }> {
    const input = validateInput(ListEventsQuery, { ...(query as object), lead_id: leadId });
    return this.rpc.request(Queries.LeadsLeadEvents, input);
  }

  timeline(leadId: string): Promise<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }> {
    return this.rpc.request(Queries.LeadsLeadTimeline, { id: leadId });
  }

  /** `GET /events` (api.md §4.3). */
  feed(query: unknown): Promise<{ data: EventView[]; total: number }> {
    return this.rpc.request(Queries.LeadsListEvents, validateInput(ListEventsQuery, query));
  }

  stats(): Promise<LeadStatsView> {
    return this.rpc.request(Queries.LeadsLeadStats, {});
  }

  get(id: string): Promise<LeadView> {
    return this.rpc.request(Queries.LeadsGetLead, { id });
  }

  create(principal: Principal, body: unknown): Promise<LeadView> {
    return this.rpc.request(Queries.LeadsCreateLead, {
      actor: actorOf(principal),
      body: validateInput(CreateLeadBody, body),
    });
  }

  update(principal: Principal, id: string, body: unknown): Promise<LeadView> {
    return this.rpc.request(Queries.LeadsUpdateLead, {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateLeadBody, body),
    });
  }
}

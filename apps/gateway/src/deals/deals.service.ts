import { Injectable } from '@nestjs/common';
import {
  ChangeDealLeadBody,
  CloseDealBody,
  ReorderDealsBody,
  CreateDealBody,
  DealStatsQuery,
  UpdateDealBody,
  type DealCommand,
  type DealStatsView,
  ListDealsQuery,
  MoveDealBody,
  Queries,
  type CreateDealCommand,
  type DealView,
  type Page,
  type StageHistoryView,
} from '@crm/contracts';
import type { ClassConstructor } from 'class-transformer';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { asDataList, GatewayRpc } from '../rpc/gateway-rpc';

/** Deals are owned by the leads service (api.md §8). */
@Injectable()
export class DealsService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<DealView>> {
    return this.rpc.request(Queries.LeadsListDeals, validateInput(ListDealsQuery, query));
  }

  get(id: string): Promise<DealView> {
    return this.rpc.request(Queries.LeadsGetDeal, { id });
  }

  create(principal: Principal, body: unknown): Promise<DealView> {
    const command: CreateDealCommand = {
      actor: actorOf(principal),
      body: validateInput(CreateDealBody, body),
    };
    return this.rpc.request(Queries.LeadsCreateDeal, command);
  }

  move(principal: Principal, dealId: string, body: unknown): Promise<DealView> {
    return this.rpc.request(Queries.LeadsMoveDeal, this.command(principal, dealId, MoveDealBody, body));
  }

  close(principal: Principal, dealId: string, body: unknown): Promise<DealView> {
    return this.rpc.request(Queries.LeadsCloseDeal, this.command(principal, dealId, CloseDealBody, body));
  }

  reopen(principal: Principal, dealId: string): Promise<DealView> {
    const command: DealCommand = { actor: actorOf(principal), deal_id: dealId };
    return this.rpc.request(Queries.LeadsReopenDeal, command);
  }

  update(principal: Principal, dealId: string, body: unknown): Promise<DealView> {
    return this.rpc.request(Queries.LeadsUpdateDeal, this.command(principal, dealId, UpdateDealBody, body));
  }

  reorder(principal: Principal, body: unknown): Promise<{ success: true }> {
    return this.rpc.request(Queries.LeadsReorderDeals, {
      actor: actorOf(principal),
      body: validateInput(ReorderDealsBody, body),
    });
  }

  changeLead(principal: Principal, dealId: string, body: unknown): Promise<DealView> {
    return this.rpc.request(
      Queries.LeadsChangeDealLead,
      this.command(principal, dealId, ChangeDealLeadBody, body),
    );
  }

  delete(principal: Principal, dealId: string): Promise<{ success: true; message: string }> {
    return this.rpc.request(Queries.LeadsDeleteDeal, { actor: actorOf(principal), deal_id: dealId });
  }

  stats(query: unknown): Promise<DealStatsView> {
    return this.rpc.request(Queries.LeadsDealStats, validateInput(DealStatsQuery, query));
  }

  /** `{actor, deal_id, body}` with the body checked against its contract (400 with field details). */
  private command<T extends object>(
    principal: Principal,
    dealId: string,
    cls: ClassConstructor<T>,
    body: unknown,
  ) {
    return { actor: actorOf(principal), deal_id: dealId, body: validateInput(cls, body) };
  }

  async history(dealId: string): Promise<{ data: StageHistoryView[] }> {
    return asDataList(await this.rpc.request(Queries.LeadsDealHistory, { id: dealId }));
  }
}

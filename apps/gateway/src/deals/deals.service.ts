import { Injectable } from '@nestjs/common';
import {
  CreateDealBody,
  ListDealsQuery,
  MoveDealBody,
  Queries,
  type CreateDealCommand,
  type DealView,
  type MoveDealCommand,
  type Page,
  type StageHistoryView,
} from '@crm/contracts';
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
    const command: MoveDealCommand = {
      actor: actorOf(principal),
      deal_id: dealId,
      body: validateInput(MoveDealBody, body),
    };
    return this.rpc.request(Queries.LeadsMoveDeal, command);
  }

  async history(dealId: string): Promise<{ data: StageHistoryView[] }> {
    return asDataList(await this.rpc.request(Queries.LeadsDealHistory, { id: dealId }));
  }
}

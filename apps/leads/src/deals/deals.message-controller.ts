import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  CreateDealCommand,
  ListDealsQuery,
  MoveDealCommand,
  Queries,
  type Page,
  type StageHistoryView,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import type { DealView } from '@crm/contracts';
import { DealsService } from './deals.service';

/** Request-reply commands and queries of the gateway about deals. */
@Controller()
export class DealsMessageController {
  constructor(private readonly deals: DealsService) {}

  @OnRequest(Queries.LeadsCreateDeal)
  create(@Payload(ContractValidationPipe) command: CreateDealCommand): Promise<DealView> {
    return this.deals.createDeal(command);
  }

  @OnRequest(Queries.LeadsMoveDeal)
  move(@Payload(ContractValidationPipe) command: MoveDealCommand): Promise<DealView> {
    return this.deals.moveDeal(command);
  }

  @OnRequest(Queries.LeadsListDeals)
  list(@Payload(ContractValidationPipe) query: ListDealsQuery): Promise<Page<DealView>> {
    return this.deals.listDeals(query);
  }

  @OnRequest(Queries.LeadsGetDeal)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<DealView> {
    return this.deals.getDeal(query.id);
  }

  @OnRequest(Queries.LeadsDealHistory)
  history(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<{ data: StageHistoryView[] }> {
    return this.deals.dealHistory(query.id);
  }
}

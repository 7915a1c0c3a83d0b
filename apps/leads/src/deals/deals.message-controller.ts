import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  ChangeDealLeadCommand,
  CloseDealCommand,
  ReorderDealsCommand,
  CreateDealCommand,
  DealCommand,
  DealStatsQuery,
  UpdateDealCommand,
  type DealStatsView,
  ListDealsQuery,
  ListPipelineDealsQuery,
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

  @OnRequest(Queries.LeadsListPipelineDeals)
  pipelineDeals(
    @Payload(ContractValidationPipe) query: ListPipelineDealsQuery,
  ): Promise<{ data: DealView[] }> {
    return this.deals.listPipelineDeals(query);
  }

  @OnRequest(Queries.LeadsCreateDeal)
  create(@Payload(ContractValidationPipe) command: CreateDealCommand): Promise<DealView> {
    return this.deals.createDeal(command);
  }

  @OnRequest(Queries.LeadsMoveDeal)
  move(@Payload(ContractValidationPipe) command: MoveDealCommand): Promise<DealView> {
    return this.deals.moveDeal(command);
  }

  @OnRequest(Queries.LeadsCloseDeal)
  close(@Payload(ContractValidationPipe) command: CloseDealCommand): Promise<DealView> {
    return this.deals.closeDeal(command);
  }

  @OnRequest(Queries.LeadsReopenDeal)
  reopen(@Payload(ContractValidationPipe) command: DealCommand): Promise<DealView> {
    return this.deals.reopenDeal(command);
  }

  @OnRequest(Queries.LeadsUpdateDeal)
  update(@Payload(ContractValidationPipe) command: UpdateDealCommand): Promise<DealView> {
    return this.deals.updateDeal(command);
  }

  @OnRequest(Queries.LeadsReorderDeals)
  reorder(@Payload(ContractValidationPipe) command: ReorderDealsCommand): Promise<{ success: true }> {
    return this.deals.reorderDeals(command);
  }

  @OnRequest(Queries.LeadsChangeDealLead)
  changeLead(@Payload(ContractValidationPipe) command: ChangeDealLeadCommand): Promise<DealView> {
    return this.deals.changeDealLead(command);
  }

  @OnRequest(Queries.LeadsDeleteDeal)
  delete(@Payload(ContractValidationPipe) command: DealCommand): Promise<{ success: true; message: string }> {
    return this.deals.deleteDeal(command);
  }

  @OnRequest(Queries.LeadsDealStats)
  stats(@Payload(ContractValidationPipe) query: DealStatsQuery): Promise<DealStatsView> {
    return this.deals.dealStats(query);
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

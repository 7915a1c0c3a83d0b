import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type DealStatsView,
  type DealView,
  type Page,
  type StageHistoryView,
  ChangeDealLeadBody,
  CloseDealBody,
  CreateDealBody,
  DealStatsQuery,
  ListDealsQuery,
  MoveDealBody,
  ReorderDealsBody,
  UpdateDealBody,
} from '@crm/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { DealsService } from './deals.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

@Controller(`${API_PREFIX}/deals`)
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @Get()
  @ContractQuery(ListDealsQuery)
  list(@Query() query: unknown): Promise<Page<DealView>> {
    return this.deals.list(query);
  }

  @Post()
  @HttpCode(201)
  @ContractBody(CreateDealBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<DealView> {
    return this.deals.create(principal, body);
  }

  /** The Kanban order of one stage. */
  @Post('reorder')
  @HttpCode(200)
  @ContractBody(ReorderDealsBody)
  reorder(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ success: true }> {
    return this.deals.reorder(principal, body);
  }

  /** Before `:id`, which would take "stats" for an id. */
  @Get('stats')
  @ContractQuery(DealStatsQuery)
  stats(@Query() query: unknown): Promise<DealStatsView> {
    return this.deals.stats(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<DealView> {
    return this.deals.get(id);
  }

  @Post(':id/move')
  @HttpCode(200)
  @ContractBody(MoveDealBody)
  move(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.move(principal, id, body);
  }

  @Patch(':id')
  @ContractBody(UpdateDealBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.update(principal, id, body);
  }

  @Patch(':id/lead')
  @ContractBody(ChangeDealLeadBody)
  changeLead(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.changeLead(principal, id, body);
  }

  @Delete(':id')
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<{ success: true; message: string }> {
    return this.deals.delete(principal, id);
  }

  @Post(':id/close')
  @HttpCode(200)
  @ContractBody(CloseDealBody)
  close(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.close(principal, id, body);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  reopen(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<DealView> {
    return this.deals.reopen(principal, id);
  }

  @Get(':id/history')
  history(@Param('id', new UuidParamPipe()) id: string): Promise<{ data: StageHistoryView[] }> {
    return this.deals.history(id);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import type { DealStatsView, DealView, Page, StageHistoryView } from '@crm/contracts';
import { CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { DealsService } from './deals.service';

@Controller(`${API_PREFIX}/deals`)
export class DealsController {
  constructor(private readonly deals: DealsService) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<DealView>> {
    return this.deals.list(query);
  }

  @Post()
  @HttpCode(201)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<DealView> {
    return this.deals.create(principal, body);
  }

  /** The Kanban order of one stage. */
  @Post('reorder')
  @HttpCode(200)
  reorder(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<{ success: true }> {
    return this.deals.reorder(principal, body);
  }

  /** Before `:id`, which would take "stats" for an id. */
  @Get('stats')
  stats(@Query() query: unknown): Promise<DealStatsView> {
    return this.deals.stats(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<DealView> {
    return this.deals.get(id);
  }

  @Post(':id/move')
  @HttpCode(200)
  move(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.move(principal, id, body);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<DealView> {
    return this.deals.update(principal, id, body);
  }

  @Patch(':id/lead')
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

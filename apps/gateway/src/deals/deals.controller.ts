import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { DealView, Page, StageHistoryView } from '@crm/contracts';
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

  @Get(':id/history')
  history(@Param('id', new UuidParamPipe()) id: string): Promise<{ data: StageHistoryView[] }> {
    return this.deals.history(id);
  }
}

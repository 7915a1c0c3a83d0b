import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import type { Page, TriggerRunView } from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { TriggerRunsService } from './trigger-runs.service';

@Controller(`${API_PREFIX}/triggers/runs`)
export class TriggerRunsController {
  constructor(private readonly runs: TriggerRunsService) {}

  @Get()
  list(@Query() query: unknown): Promise<Page<TriggerRunView>> {
    return this.runs.list(query);
  }

  @Get(':id')
  get(@Param('id', new UuidParamPipe()) id: string): Promise<TriggerRunView> {
    return this.runs.get(id);
  }

  @Post(':id/retry')
  @ConfigAccess()
  @HttpCode(202)
  retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<{ data: TriggerRunView }> {
    return this.runs.retry(principal, id, body);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { type Page, type TriggerRunView, ListTriggerRunsQuery, RetryTriggerRunBody } from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { TriggerRunsService } from './trigger-runs.service';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

@Controller(`${API_PREFIX}/triggers/runs`)
export class TriggerRunsController {
  constructor(private readonly runs: TriggerRunsService) {}

  @Get()
  @ContractQuery(ListTriggerRunsQuery)
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
  @ContractBody(RetryTriggerRunBody, { required: false })
  retry(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<{ data: TriggerRunView }> {
    return this.runs.retry(principal, id, body);
  }
}

import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type AutomationRuleLogView,
  type AutomationRuleStatsView,
  type AutomationRuleView,
  type AutomationStatsView,
  type Page,
  CreateAutomationRuleBody,
  ListAutomationRuleLogsQuery,
  ListAutomationRulesQuery,
  UpdateAutomationRuleBody,
} from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';
import { AutomationRulesService } from './automation-rules.service';

/** api.md §12. Reads: any member or a `read` key; rule changes: `config` members only. */
@Controller(`${API_PREFIX}/automation`)
export class AutomationRulesController {
  constructor(private readonly rules: AutomationRulesService) {}

  @Get('rules')
  @ContractQuery(ListAutomationRulesQuery)
  list(@Query() query: unknown): Promise<Page<AutomationRuleView>> {
    return this.rules.list(query);
  }

  @Get('rules/:id')
  get(
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<AutomationRuleView & { stats: AutomationRuleStatsView }> {
    return this.rules.get(id);
  }

  @Post('rules')
  @HttpCode(201)
  @ConfigAccess()
  @ContractBody(CreateAutomationRuleBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<AutomationRuleView> {
    return this.rules.create(principal, body);
  }

  @Patch('rules/:id')
  @ConfigAccess()
  @ContractBody(UpdateAutomationRuleBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<AutomationRuleView> {
    return this.rules.update(principal, id, body);
  }

  @Delete('rules/:id')
  @HttpCode(204)
  @ConfigAccess()
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.rules.delete(principal, id);
  }

  @Get('rules/:id/logs')
  @ContractQuery(ListAutomationRuleLogsQuery)
  logs(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<Page<AutomationRuleLogView>> {
    return this.rules.logs(id, query);
  }

  @Get('stats')
  stats(): Promise<AutomationStatsView> {
    return this.rules.stats();
  }
}

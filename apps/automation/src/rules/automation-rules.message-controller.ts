import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  AutomationRuleLogsQuery,
  ByIdCommand,
  ByIdQuery,
  CreateAutomationRuleCommand,
  ListAutomationRulesQuery,
  Queries,
  UpdateAutomationRuleCommand,
  type AutomationRuleLogView,
  type AutomationRuleStatsView,
  type AutomationRuleView,
  type AutomationStatsView,
  type Page,
} from '@crm/contracts';
import { ContractValidationPipe, OnRequest } from '@crm/messaging';
import { AutomationRulesService } from './automation-rules.service';

@Controller()
export class AutomationRulesMessageController {
  constructor(private readonly rules: AutomationRulesService) {}

  @OnRequest(Queries.AutomationListRules)
  list(@Payload(ContractValidationPipe) query: ListAutomationRulesQuery): Promise<Page<AutomationRuleView>> {
    return this.rules.list(query);
  }

  @OnRequest(Queries.AutomationGetRule)
  get(
    @Payload(ContractValidationPipe) query: ByIdQuery,
  ): Promise<AutomationRuleView & { stats: AutomationRuleStatsView }> {
    return this.rules.get(query);
  }

  @OnRequest(Queries.AutomationCreateRule)
  create(@Payload(ContractValidationPipe) command: CreateAutomationRuleCommand): Promise<AutomationRuleView> {
    return this.rules.create(command);
  }

  @OnRequest(Queries.AutomationUpdateRule)
  update(@Payload(ContractValidationPipe) command: UpdateAutomationRuleCommand): Promise<AutomationRuleView> {
    return this.rules.update(command);
  }

  @OnRequest(Queries.AutomationDeleteRule)
  delete(@Payload(ContractValidationPipe) command: ByIdCommand): Promise<void> {
    return this.rules.delete(command);
  }

  @OnRequest(Queries.AutomationRuleLogs)
  logs(
    @Payload(ContractValidationPipe) query: AutomationRuleLogsQuery,
  ): Promise<Page<AutomationRuleLogView>> {
    return this.rules.listLogs(query);
  }

  @OnRequest(Queries.AutomationStats)
  stats(): Promise<AutomationStatsView> {
    return this.rules.stats();
  }
}

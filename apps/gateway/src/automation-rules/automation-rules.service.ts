import { Injectable } from '@nestjs/common';
import {
  CreateAutomationRuleBody,
  ListAutomationRuleLogsQuery,
  ListAutomationRulesQuery,
  Queries,
  UpdateAutomationRuleBody,
  type AutomationRuleLogsQuery,
  type AutomationRuleLogView,
  type AutomationRuleStatsView,
  type AutomationRuleView,
  type AutomationStatsView,
  type ByIdCommand,
  type CreateAutomationRuleCommand,
  type Page,
  type UpdateAutomationRuleCommand,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/**
 * Automation rules are owned by automation (api.md §12), which also checks with leads that the stages,
 * pipelines and slugs a rule names exist. The gateway checks the shape first, so a bad body never leaves it.
 */
@Injectable()
export class AutomationRulesService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<AutomationRuleView>> {
    return this.rpc.request(Queries.AutomationListRules, validateInput(ListAutomationRulesQuery, query));
  }

  get(id: string): Promise<AutomationRuleView & { stats: AutomationRuleStatsView }> {
    return this.rpc.request(Queries.AutomationGetRule, { id });
  }

  create(principal: Principal, body: unknown): Promise<AutomationRuleView> {
    const command: CreateAutomationRuleCommand = {
      actor: actorOf(principal),
      body: validateInput(CreateAutomationRuleBody, body),
    };
    return this.rpc.request(Queries.AutomationCreateRule, command);
  }

  update(principal: Principal, id: string, body: unknown): Promise<AutomationRuleView> {
    const command: UpdateAutomationRuleCommand = {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdateAutomationRuleBody, body),
    };
    return this.rpc.request(Queries.AutomationUpdateRule, command);
  }

  async delete(principal: Principal, id: string): Promise<void> {
    const command: ByIdCommand = { actor: actorOf(principal), id };
    await this.rpc.request(Queries.AutomationDeleteRule, command);
  }

  logs(ruleId: string, query: unknown): Promise<Page<AutomationRuleLogView>> {
    const page = validateInput(ListAutomationRuleLogsQuery, query);
    const request: AutomationRuleLogsQuery = { rule_id: ruleId, page: page.page, limit: page.limit };
    return this.rpc.request(Queries.AutomationRuleLogs, request);
  }

  stats(): Promise<AutomationStatsView> {
    return this.rpc.request(Queries.AutomationStats, {});
  }
}

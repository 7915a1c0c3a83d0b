import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  toPage,
  ValidationFailedError,
  type AutomationRuleLogsQuery,
  type AutomationRuleLogView,
  type AutomationRuleStatsView,
  type AutomationRuleView,
  type AutomationStatsView,
  type ByIdCommand,
  type ByIdQuery,
  type CreateAutomationRuleCommand,
  type ListAutomationRulesQuery,
  type Page,
  type UpdateAutomationRuleCommand,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { AutomationRuleEntity } from './automation-rule.entity';
import { AutomationRulesRepository } from './automation-rules.repository';
import { LeadsDirectory } from './leads-directory';
import { RuleLogsRepository } from './rule-logs.repository';
import { checkConfigs, checkReferences, type RuleShape } from './rule-validation';
import { toRuleLogView, toRuleView } from './rule.view';

const TOP_RULES = 10;

/** Global automation rules (api.md §12): CRUD with validation against leads' pipelines, logs and stats. */
@Injectable()
export class AutomationRulesService {
  private readonly log: Logger;

  constructor(
    private readonly rules: AutomationRulesRepository,
    private readonly logs: RuleLogsRepository,
    private readonly leads: LeadsDirectory,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('automation-rules');
  }

  async list(query: ListAutomationRulesQuery): Promise<Page<AutomationRuleView>> {
    const read = await this.rules.list(
      {
        ids: query.id,
        trigger_type: query.trigger_type,
        action_type: query.action_type,
        is_active: query.is_active,
        pipeline_id: query.pipeline_id,
      },
      { page: query.page ?? 1, limit: query.limit ?? 20, cursor: query.cursor },
    );
    const summaries = await this.rules.executionSummaries(read.rows.map((r) => r.row.id));
    return read.page((rule) => toRuleView(rule, summaries.get(rule.id)));
  }

  async get(query: ByIdQuery): Promise<AutomationRuleView & { stats: AutomationRuleStatsView }> {
    const rule = await this.liveRule(query.id);
    const [summaries, stats] = await Promise.all([
      this.rules.executionSummaries([rule.id]),
      this.logs.statsForRule(rule.id),
    ]);
    return { ...toRuleView(rule, summaries.get(rule.id)), stats };
  }

  async create(command: CreateAutomationRuleCommand): Promise<AutomationRuleView> {
    const { body } = command;
    const now = new Date();
    const rule = Object.assign(new AutomationRuleEntity(), {
      id: randomUUID(),
      name: body.name,
      description: body.description ?? null,
      is_active: body.is_active ?? true,
      priority: body.priority ?? 100,
      pipeline_id: body.pipeline_id ?? null,
      stage_id: body.stage_id ?? null,
      pipeline_name: null,
      stage_name: null,
      trigger_type: body.trigger_type,
      trigger_config: body.trigger_config,
      action_type: body.action_type,
      action_config: body.action_config,
      created_at: now,
      updated_at: now,
      deleted_at: null,
    } satisfies AutomationRuleEntity);
    await this.validate(rule);
    await this.rules.insert(rule);
    this.log.info({ rule_id: rule.id, trigger_type: rule.trigger_type }, 'automation rule created');
    return toRuleView(rule);
  }

  /** Partial (api.md §1.1): the merged rule is validated as a whole, so a new type needs a fitting config. */
  async update(command: UpdateAutomationRuleCommand): Promise<AutomationRuleView> {
    return this.tx.transaction(async () => {
      const rule = await this.liveRule(command.id);
      const body = command.body;
      const changed = Object.assign(new AutomationRuleEntity(), rule);
      for (const key of [
        'name',
        'is_active',
        'priority',
        'trigger_type',
        'trigger_config',
        'action_type',
        'action_config',
      ] as const) {
        if (body[key] !== undefined && body[key] !== null) Object.assign(changed, { [key]: body[key] });
      }
      for (const key of ['description', 'pipeline_id', 'stage_id'] as const) {
        if (body[key] !== undefined) Object.assign(changed, { [key]: body[key] });
      }
      await this.validate(changed);
      changed.updated_at = new Date();
      await this.rules.save(changed);
      const summaries = await this.rules.executionSummaries([changed.id]);
      this.log.info({ rule_id: changed.id }, 'automation rule updated');
      return toRuleView(changed, summaries.get(changed.id));
    });
  }

  /** The rule stops firing and disappears from reads; its logs stay for audit. */
  async delete(command: ByIdCommand): Promise<void> {
    await this.tx.transaction(async () => {
      const rule = await this.liveRule(command.id);
      rule.deleted_at = new Date();
      rule.is_active = false;
      rule.updated_at = rule.deleted_at;
      await this.rules.save(rule);
    });
    this.log.info({ rule_id: command.id }, 'automation rule deleted');
  }

  /** The logs of a rule, deleted ones included (kept for audit); 404 for a rule that never existed. */
  async listLogs(query: AutomationRuleLogsQuery): Promise<Page<AutomationRuleLogView>> {
    if (!(await this.rules.findAny(query.rule_id))) throw new NotFoundError('Automation rule', query.rule_id);
    const page = query.page ?? 1;
    const limit = query.limit ?? 20;
    const [rows, total] = await this.logs.pageForRule(query.rule_id, page, limit);
    return toPage(rows.map(toRuleLogView), total, page, limit);
  }

  async stats(): Promise<AutomationStatsView> {
    const [counts, executions, top] = await Promise.all([
      this.rules.counts(),
      this.logs.globalStats(),
      this.logs.topRules7d(TOP_RULES),
    ]);
    return {
      rules: {
        total: counts.total,
        active: counts.active,
        by_trigger_type: counts.byTrigger,
        by_action_type: counts.byAction,
      },
      executions,
      top_rules_7d: top,
    };
  }

  private async liveRule(id: string): Promise<AutomationRuleEntity> {
    const rule = await this.rules.findLive(id);
    if (!rule) throw new NotFoundError('Automation rule', id);
    return rule;
  }

  /** Configs per type, then what they name in leads; sets the normalised configs and the names. Nothing on 400. */
  private async validate(rule: AutomationRuleEntity): Promise<void> {
    const shape: RuleShape = rule;
    const checked = checkConfigs(shape);
    if (rule.stage_id === null && rule.pipeline_id === null) {
      rule.pipeline_name = null;
      rule.stage_name = null;
    }
    if (checked.issues.length) throw new ValidationFailedError(checked.issues, 'Invalid automation rule');
    if (checked.references.length) {
      const references = checkReferences(checked.references, await this.leads.catalog());
      if (references.issues.length) {
        throw new ValidationFailedError(references.issues, 'Invalid automation rule');
      }
      rule.pipeline_name = rule.pipeline_id || rule.stage_id ? references.pipelineName : null;
      rule.stage_name = rule.stage_id ? references.stageName : null;
    }
    rule.trigger_config = checked.trigger_config;
    rule.action_config = checked.action_config;
  }
}

import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { RuleActionType, RuleTriggerType } from '@crm/contracts';
import { Keyset, readKeysetPage, TransactionHost, type KeysetRead, type PageRequest } from '@crm/service-kit';
import { AutomationRuleEntity } from './automation-rule.entity';

export interface RuleFilter {
  ids?: string[];
  trigger_type?: RuleTriggerType;
  action_type?: RuleActionType;
  is_active?: boolean;
  pipeline_id?: string;
}

export interface RuleExecutionSummary {
  rule_id: string;
  execution_count: number;
  last_executed: Date | null;
}

/** The only code touching the automation_rules table; joins the caller's transaction. */
@Injectable()
export class AutomationRulesRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(AutomationRuleEntity);
  }

  async insert(rule: AutomationRuleEntity): Promise<void> {
    await this.repo.insert(rule as QueryDeepPartialEntity<AutomationRuleEntity>);
  }

  async save(rule: AutomationRuleEntity): Promise<void> {
    await this.repo.save(rule);
  }

  /** A rule that is not deleted. */
  findLive(id: string): Promise<AutomationRuleEntity | null> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.id = :id', { id })
      .andWhere('r.deleted_at IS NULL')
      .getOne();
  }

  /** Deleted rules too (their logs are kept for audit). */
  findAny(id: string): Promise<AutomationRuleEntity | null> {
    return this.repo.findOne({ where: { id } });
  }

  /** Active rules of one trigger type, in priority order: a rule edit applies to the next cause. */
  activeOfType(type: RuleTriggerType): Promise<AutomationRuleEntity[]> {
    return this.repo
      .createQueryBuilder('r')
      .where('r.trigger_type = :type', { type })
      .andWhere('r.is_active AND r.deleted_at IS NULL')
      .orderBy('r.priority', 'ASC')
      .addOrderBy('r.created_at', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .getMany();
  }

  /** By priority ascending (api.md §12), then creation, page by page or by cursor (api.md §1.4). */
  list(filter: RuleFilter, request: PageRequest): Promise<KeysetRead<AutomationRuleEntity>> {
    const keyset = new Keyset(
      {
        list: 'automation-rules',
        sortBy: 'priority',
        direction: 'asc',
        columns: [
          { sql: 'r.priority', type: 'int' },
          { sql: 'r.created_at', type: 'timestamptz' },
        ],
        id: 'r.id',
      },
      request,
    );
    const qb = this.repo.createQueryBuilder('r').where('r.deleted_at IS NULL');
    if (filter.ids?.length) qb.andWhere('r.id IN (:...ids)', { ids: filter.ids });
    for (const key of ['trigger_type', 'action_type', 'pipeline_id', 'is_active'] as const) {
      if (filter[key] !== undefined) qb.andWhere(`r.${key} = :${key}`, { [key]: filter[key] });
    }
    qb.orderBy('r.priority', 'ASC').addOrderBy('r.created_at', 'ASC').addOrderBy('r.id', 'ASC');
    return readKeysetPage(qb, keyset);
  }

  /** How often each rule fired and when last (from its log rows). */
  async executionSummaries(ruleIds: string[]): Promise<Map<string, RuleExecutionSummary>> {
    if (!ruleIds.length) return new Map();
    const rows: { rule_id: string; execution_count: string; last_executed: Date | null }[] =
      await this.tx.manager.query(
        `SELECT rule_id, count(*) AS execution_count, max(executed_at) AS last_executed
         FROM automation_rule_logs WHERE rule_id = ANY($1::uuid[]) GROUP BY rule_id`,
        [ruleIds],
      );
    return new Map(
      rows.map((r) => [
        r.rule_id,
        { rule_id: r.rule_id, execution_count: Number(r.execution_count), last_executed: r.last_executed },
      ]),
    );
  }

  async counts(): Promise<{
    total: number;
    active: number;
    byTrigger: Record<string, number>;
    byAction: Record<string, number>;
  }> {
    const rows: { trigger_type: string; action_type: string; is_active: boolean; n: string }[] =
      await this.tx.manager.query(
        `SELECT trigger_type, action_type, is_active, count(*) AS n FROM automation_rules
         WHERE deleted_at IS NULL GROUP BY trigger_type, action_type, is_active`,
      );
    const byTrigger: Record<string, number> = {};
    const byAction: Record<string, number> = {};
    let total = 0;
    let active = 0;
    for (const row of rows) {
      const n = Number(row.n);
      total += n;
      if (row.is_active) active += n;
      byTrigger[row.trigger_type] = (byTrigger[row.trigger_type] ?? 0) + n;
      byAction[row.action_type] = (byAction[row.action_type] ?? 0) + n;
    }
    return { total, active, byTrigger, byAction };
  }
}

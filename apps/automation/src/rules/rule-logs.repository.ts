import { Injectable } from '@nestjs/common';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TransactionHost } from '@crm/service-kit';
import { RuleLogEntity } from './rule-log.entity';

export interface ExecutionCounts {
  total_executions: number;
  successful_executions: number;
  failed_executions: number;
}

/** The only code touching the automation_rule_logs table; joins the caller's transaction. */
@Injectable()
export class RuleLogsRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(RuleLogEntity);
  }

  /** Inserts the rows whose (rule, occurrence) is new; returns the ids this call inserted. */
  async insertNew(logs: RuleLogEntity[]): Promise<Set<string>> {
    if (!logs.length) return new Set();
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(RuleLogEntity)
      .values(logs as QueryDeepPartialEntity<RuleLogEntity>[])
      .orIgnore()
      .returning(['id'])
      .execute();
    return new Set((result.raw as { id: string }[]).map((row) => row.id));
  }

  async save(log: RuleLogEntity): Promise<void> {
    await this.repo.save(log);
  }

  /** Locked until the transaction ends, so two results for one log never interleave. */
  findByIdForUpdate(id: string): Promise<RuleLogEntity | null> {
    return this.repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /** Newest first. */
  async pageForRule(ruleId: string, page: number, limit: number): Promise<[RuleLogEntity[], number]> {
    return this.repo.findAndCount({
      where: { rule_id: ruleId },
      order: { executed_at: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
  }

  async statsForRule(
    ruleId: string,
  ): Promise<ExecutionCounts & { unique_leads: number; last_7_days: number }> {
    const [row]: Record<string, string>[] = await this.tx.manager.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE success IS TRUE) AS ok,
              count(*) FILTER (WHERE success IS FALSE) AS failed,
              count(DISTINCT lead_id) AS leads,
              count(*) FILTER (WHERE executed_at >= now() - interval '7 days') AS week
       FROM automation_rule_logs WHERE rule_id = $1`,
      [ruleId],
    );
    return {
      total_executions: Number(row.total),
      successful_executions: Number(row.ok),
      failed_executions: Number(row.failed),
      unique_leads: Number(row.leads),
      last_7_days: Number(row.week),
    };
  }

  async globalStats(): Promise<ExecutionCounts & { executions_today: number; executions_7_days: number }> {
    const [row]: Record<string, string>[] = await this.tx.manager.query(
      `SELECT count(*) AS total,
              count(*) FILTER (WHERE success IS TRUE) AS ok,
              count(*) FILTER (WHERE success IS FALSE) AS failed,
              count(*) FILTER (WHERE executed_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC')
                AS today,
              count(*) FILTER (WHERE executed_at >= now() - interval '7 days') AS week
       FROM automation_rule_logs`,
    );
    return {
      total_executions: Number(row.total),
      successful_executions: Number(row.ok),
      failed_executions: Number(row.failed),
      executions_today: Number(row.today),
      executions_7_days: Number(row.week),
    };
  }

  /** The rules that fired most in the last 7 days; `success_rate` in percent of their settled firings. */
  async topRules7d(
    limit: number,
  ): Promise<{ rule_id: string; rule_name: string; executions: number; success_rate: number }[]> {
    const rows: { rule_id: string; rule_name: string; executions: string; ok: string; settled: string }[] =
      await this.tx.manager.query(
        `SELECT l.rule_id, r.name AS rule_name, count(*) AS executions,
                count(*) FILTER (WHERE l.success IS TRUE) AS ok,
                count(*) FILTER (WHERE l.success IS NOT NULL) AS settled
         FROM automation_rule_logs l JOIN automation_rules r ON r.id = l.rule_id
         WHERE l.executed_at >= now() - interval '7 days'
         GROUP BY l.rule_id, r.name
         ORDER BY count(*) DESC, r.name ASC
         LIMIT $1`,
        [limit],
      );
    return rows.map((r) => ({
      rule_id: r.rule_id,
      rule_name: r.rule_name,
      executions: Number(r.executions),
      success_rate: Number(r.settled) ? Math.round((Number(r.ok) / Number(r.settled)) * 10_000) / 100 : 0,
    }));
  }
}

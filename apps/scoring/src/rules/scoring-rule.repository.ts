import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@crm/service-kit';
import { IsNull } from 'typeorm';
import type { RuleType } from './rule-conditions';
import { ScoringRule } from './scoring-rule.entity';

@Injectable()
export class ScoringRuleRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Active, non-archived rules of one type, in the order they apply (priority, then slug). */
  findLiveByType(ruleType: RuleType): Promise<ScoringRule[]> {
    return this.tx.manager.getRepository(ScoringRule).find({
      where: { ruleType, isActive: true, archivedAt: IsNull() },
      order: { priority: 'ASC', slug: 'ASC' },
    });
  }

  /** Grows with every committed change of the rules table (a trigger keeps it); an opaque value to compare. */
  async currentRevision(): Promise<string> {
    const rows: { revision: string }[] = await this.tx.manager.query(
      `SELECT revision::text AS revision FROM rules_revision`,
    );
    if (!rows.length) throw new Error('rules_revision has no row: migrations incomplete');
    return rows[0].revision;
  }
}

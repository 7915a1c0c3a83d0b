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
}

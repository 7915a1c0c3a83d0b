import { Injectable } from '@nestjs/common';
import type { ScoreCategory, ScoreTotals } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { And, LessThan, LessThanOrEqual, MoreThan } from 'typeorm';
import { ScoreLedgerEntry } from './score-ledger-entry.entity';

export type NewLedgerEntry = Omit<ScoreLedgerEntry, 'id' | 'createdAt'>;

@Injectable()
export class ScoreLedgerRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Every application of the rule to the lead, expired or not (the `max_per_lead` count). */
  countApplications(leadId: string, ruleId: string): Promise<number> {
    return this.tx.manager.getRepository(ScoreLedgerEntry).count({ where: { leadId, ruleId } });
  }

  /** Event times of the rule's applications to the lead with occurred_at strictly inside (from, to). */
  async applicationTimesBetween(leadId: string, ruleId: string, from: Date, to: Date): Promise<Date[]> {
    const rows = await this.tx.manager.getRepository(ScoreLedgerEntry).find({
      select: { occurredAt: true },
      where: { leadId, ruleId, occurredAt: And(MoreThan(from), LessThan(to)) },
    });
    return rows.map((row) => row.occurredAt);
  }

  /** Inserts the row unless this (event, rule) was already applied; returns whether it was inserted. */
  async insertOnce(entry: NewLedgerEntry): Promise<boolean> {
    const result = await this.tx.manager
      .createQueryBuilder()
      .insert()
      .into(ScoreLedgerEntry)
      .values(entry)
      .orIgnore()
      .returning(['id'])
      .execute();
    return Array.isArray(result.raw) && result.raw.length === 1;
  }

  /** Marks the lead's rows whose points ran out by `now` as expired; returns how many changed. */
  async expireDue(leadId: string, now: Date): Promise<number> {
    const result = await this.tx.manager
      .getRepository(ScoreLedgerEntry)
      .update({ leadId, expired: false, expiresAt: LessThanOrEqual(now) }, { expired: true, expiredAt: now });
    return result.affected ?? 0;
  }

  /** Sums of the lead's non-expired rows per category, and their total. */
  async sumLive(leadId: string): Promise<ScoreTotals> {
    const rows: { category: ScoreCategory; points: string }[] = await this.tx.manager
      .getRepository(ScoreLedgerEntry)
      .createQueryBuilder('ledger')
      .select('ledger.category', 'category')
      .addSelect('SUM(ledger.points)', 'points')
      .where('ledger.lead_id = :leadId', { leadId })
      .andWhere('NOT ledger.expired')
      .groupBy('ledger.category')
      .getRawMany();
    const totals: ScoreTotals = { demographic: 0, engagement: 0, behavior: 0, total: 0 };
    for (const row of rows) totals[row.category] = Number(row.points);
    totals.total = totals.demographic + totals.engagement + totals.behavior;
    return totals;
  }
}

import { Injectable } from '@nestjs/common';
import type { ScoreTier } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import type { StoredScore } from './score-emission-plan';

interface LeadScoreRow {
  lead_id: string;
  demographic: number;
  engagement: number;
  behavior: number;
  total: number;
  tier: ScoreTier;
  version: number;
  intent_research: number;
  intent_b2b: number;
  intent_co_creation: number;
}

@Injectable()
export class LeadScoreRepository {
  constructor(private readonly tx: TransactionHost) {}

  /**
   * Creates the leads' score rows where missing and locks them all until the current transaction ends, in one
   * statement. Every score change of a lead goes through here first, so a lead's events are scored strictly one
   * batch at a time; the rows are locked in lead_id order, so two instances locking overlapping sets queue up
   * instead of deadlocking.
   */
  async lockForScoring(leadIds: string[]): Promise<Map<string, StoredScore>> {
    // DO UPDATE (a no-op) rather than DO NOTHING: it locks the rows that already exist and returns them too.
    const rows: LeadScoreRow[] = await this.tx.manager.query(
      `INSERT INTO lead_scores (lead_id)
       SELECT DISTINCT id FROM unnest($1::uuid[]) AS id ORDER BY id
       ON CONFLICT (lead_id) DO UPDATE SET lead_id = EXCLUDED.lead_id
       RETURNING lead_id, demographic, engagement, behavior, total, tier, version, intent_research, intent_b2b,
                 intent_co_creation`,
      [leadIds],
    );
    return new Map(rows.map((row) => [row.lead_id, toStoredScore(row)]));
  }

  /** The lead's stored score, or null when nothing was ever scored for it. */
  async find(leadId: string): Promise<StoredScore | null> {
    const rows: LeadScoreRow[] = await this.tx.manager.query(
      `SELECT lead_id, demographic, engagement, behavior, total, tier, version, intent_research, intent_b2b,
              intent_co_creation
         FROM lead_scores WHERE lead_id = $1`,
      [leadId],
    );
    return rows.length ? toStoredScore(rows[0]) : null;
  }

  /** Every lead's total and tier (a preview compares against them). */
  async allTotals(): Promise<{ leadId: string; total: number; tier: ScoreTier }[]> {
    const rows: { lead_id: string; total: number; tier: ScoreTier }[] = await this.tx.manager.query(
      `SELECT lead_id, total, tier FROM lead_scores`,
    );
    return rows.map((row) => ({ leadId: row.lead_id, total: row.total, tier: row.tier }));
  }

  /** Stores the leads' new scores in one statement. */
  async saveScores(scores: { leadId: string; score: StoredScore }[]): Promise<void> {
    if (!scores.length) return;
    const column = <T>(value: (s: { leadId: string; score: StoredScore }) => T) => scores.map(value);
    await this.tx.manager.query(
      `UPDATE lead_scores AS s
          SET demographic = u.demographic, engagement = u.engagement, behavior = u.behavior, total = u.total,
              tier = u.tier, version = u.version, intent_research = u.research, intent_b2b = u.b2b,
              intent_co_creation = u.co_creation, updated_at = now()
         FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[], $5::int[], $6::varchar[], $7::int[],
                     $8::int[], $9::int[], $10::int[])
              AS u(lead_id, demographic, engagement, behavior, total, tier, version, research, b2b, co_creation)
        WHERE s.lead_id = u.lead_id`,
      [
        column((s) => s.leadId),
        column((s) => s.score.totals.demographic),
        column((s) => s.score.totals.engagement),
        column((s) => s.score.totals.behavior),
        column((s) => s.score.totals.total),
        column((s) => s.score.tier),
        column((s) => s.score.version),
        column((s) => s.score.intent.research),
        column((s) => s.score.intent.b2b),
        column((s) => s.score.intent.co_creation),
      ],
    );
  }
}

function toStoredScore(row: LeadScoreRow): StoredScore {
  return {
    totals: {
      demographic: row.demographic,
      engagement: row.engagement,
      behavior: row.behavior,
      total: row.total,
    },
    tier: row.tier,
    version: row.version,
    intent: { research: row.intent_research, b2b: row.intent_b2b, co_creation: row.intent_co_creation },
  };
}

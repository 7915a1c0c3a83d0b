import { Injectable } from '@nestjs/common';
import type { LeadScoreHistoryQuery, ScoreCategory, ScoreLedgerRowView, ScoreTotals } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import type { CapHistory, CapHistoryRequest } from './rule-application-plan';
import type { ScoreLedgerEntry } from './score-ledger-entry.entity';
import { addPoints, zeroTotals } from './score-totals';

export type NewLedgerEntry = Omit<ScoreLedgerEntry, 'id' | 'createdAt'>;

type HistoryRow =
  | { kind: 'count'; lead_id: string; rule_id: string; applications: number }
  | { kind: 'time'; lead_id: string; rule_id: string; occurred_at: Date }
  | { kind: 'applied'; event_id: string; rule_id: string };

@Injectable()
export class ScoreLedgerRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Per lead, the live (not expired) points one rule gives it now. */
  async livePointsOfRule(ruleId: string): Promise<Map<string, number>> {
    const rows: { lead_id: string; points: number }[] = await this.tx.manager.query(
      `SELECT lead_id, sum(points)::int AS points FROM score_ledger
        WHERE rule_id = $1 AND NOT expired GROUP BY lead_id`,
      [ruleId],
    );
    return new Map(rows.map((row) => [row.lead_id, row.points]));
  }

  /** The events the leads' ledger rows came from. */
  async eventIdsOfLeads(leadIds: string[]): Promise<{ leadId: string; eventId: string }[]> {
    const rows: { lead_id: string; event_id: string }[] = await this.tx.manager.query(
      `SELECT DISTINCT lead_id, event_id FROM score_ledger WHERE lead_id = ANY($1::uuid[]) AND event_id IS NOT NULL`,
      [leadIds],
    );
    return rows.map((row) => ({ leadId: row.lead_id, eventId: row.event_id }));
  }

  /** Removes every row of the leads (a recalculation writes them again). */
  async deleteOfLeads(leadIds: string[]): Promise<void> {
    await this.tx.manager.query(`DELETE FROM score_ledger WHERE lead_id = ANY($1::uuid[])`, [leadIds]);
  }

  /** Up to `limit` leads holding rows whose points ran out by `now` and are not marked expired yet. */
  async leadsWithDuePoints(now: Date, limit: number): Promise<string[]> {
    const rows: { lead_id: string }[] = await this.tx.manager.query(
      `SELECT DISTINCT lead_id FROM score_ledger WHERE NOT expired AND expires_at <= $1 LIMIT $2`,
      [now, limit],
    );
    return rows.map((row) => row.lead_id);
  }

  /** Marks the leads' rows whose points ran out by `now` as expired. */
  async expireDue(leadIds: string[], now: Date): Promise<void> {
    await this.tx.manager.query(
      `UPDATE score_ledger SET expired = true, expired_at = $2
        WHERE lead_id = ANY($1::uuid[]) AND NOT expired AND expires_at <= $2`,
      [leadIds, now],
    );
  }

  /** Everything the caps of a batch need, in one query (see CapHistoryRequest). */
  async capHistory(request: CapHistoryRequest): Promise<CapHistory> {
    const { lifetimePairs, windows, eventRules } = request;
    const rows: HistoryRow[] = await this.tx.manager.query(
      `WITH lifetime AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[]) AS p(lead_id, rule_id)
       ), windows AS (
         SELECT * FROM unnest($3::uuid[], $4::uuid[], $5::timestamptz[], $6::timestamptz[])
           AS w(lead_id, rule_id, after, before)
       ), event_rules AS (
         SELECT * FROM unnest($7::uuid[], $8::uuid[]) AS e(event_id, rule_id)
       )
       SELECT 'count' AS kind, p.lead_id, p.rule_id, NULL::uuid AS event_id, NULL::timestamptz AS occurred_at,
              (SELECT count(*)::int FROM score_ledger l WHERE l.lead_id = p.lead_id AND l.rule_id = p.rule_id)
                AS applications
         FROM lifetime p
       UNION ALL
       SELECT 'time', l.lead_id, l.rule_id, NULL, l.occurred_at, NULL
         FROM windows w
         JOIN score_ledger l ON l.lead_id = w.lead_id AND l.rule_id = w.rule_id
                            AND l.occurred_at > w.after AND l.occurred_at < w.before
       UNION ALL
       SELECT 'applied', l.lead_id, l.rule_id, l.event_id, NULL, NULL
         FROM event_rules e
         JOIN score_ledger l ON l.event_id = e.event_id AND l.rule_id = e.rule_id`,
      [
        lifetimePairs.map((p) => p.leadId),
        lifetimePairs.map((p) => p.ruleId),
        windows.map((w) => w.leadId),
        windows.map((w) => w.ruleId),
        windows.map((w) => w.after),
        windows.map((w) => w.before),
        eventRules.map((e) => e.eventId),
        eventRules.map((e) => e.ruleId),
      ],
    );
    const history: CapHistory = { lifetimeCounts: [], applicationTimes: [], appliedEventRules: [] };
    for (const row of rows) {
      if (row.kind === 'count')
        history.lifetimeCounts.push({ leadId: row.lead_id, ruleId: row.rule_id, count: row.applications });
      else if (row.kind === 'time')
        history.applicationTimes.push({
          leadId: row.lead_id,
          ruleId: row.rule_id,
          occurredAt: row.occurred_at,
        });
      else history.appliedEventRules.push({ eventId: row.event_id, ruleId: row.rule_id });
    }
    return history;
  }

  /**
   * Inserts the rows in one statement, skipping any (event, rule) the ledger already holds; returns the
   * (event, rule) pairs inserted.
   */
  async insertMany(entries: NewLedgerEntry[]): Promise<{ eventId: string; ruleId: string }[]> {
    if (!entries.length) return [];
    const column = <T>(value: (e: NewLedgerEntry) => T) => entries.map(value);
    const rows: { event_id: string; rule_id: string }[] = await this.tx.manager.query(
      `INSERT INTO score_ledger (lead_id, event_id, rule_id, rule_slug, rule_version, category, points,
                                 occurred_at, expires_at, expired, expired_at, reason)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::int[], $6::varchar[],
                            $7::int[], $8::timestamptz[], $9::timestamptz[], $10::boolean[],
                            $11::timestamptz[], $12::varchar[])
       ON CONFLICT (event_id, rule_id) DO NOTHING
       RETURNING event_id, rule_id`,
      [
        column((e) => e.leadId),
        column((e) => e.eventId),
        column((e) => e.ruleId),
        column((e) => e.ruleSlug),
        column((e) => e.ruleVersion),
        column((e) => e.category),
        column((e) => e.points),
        column((e) => e.occurredAt),
        column((e) => e.expiresAt),
        column((e) => e.expired),
        column((e) => e.expiredAt),
        column((e) => e.reason),
      ],
    );
    return rows.map((row) => ({ eventId: row.event_id, ruleId: row.rule_id }));
  }

  /** Sums of each lead's non-expired rows per category, and their total (zero for a lead without rows). */
  async sumLive(leadIds: string[]): Promise<Map<string, ScoreTotals>> {
    const rows: { lead_id: string; category: ScoreCategory; points: number }[] = await this.tx.manager.query(
      `SELECT lead_id, category, sum(points)::int AS points
         FROM score_ledger WHERE lead_id = ANY($1::uuid[]) AND NOT expired
        GROUP BY lead_id, category`,
      [leadIds],
    );
    const totals = new Map(leadIds.map((leadId) => [leadId, zeroTotals()]));
    for (const row of rows)
      totals.set(row.lead_id, addPoints(totals.get(row.lead_id)!, row.category, row.points));
    return totals;
  }

  /**
   * A page of the lead's ledger, newest first (by event time), each row with the name its rule had at the
   * version applied and the category's running total after it in event-time order, where expired rows count
   * 0: so the newest row of each category shows that category's live total.
   */
  async history(query: LeadScoreHistoryQuery): Promise<ScoreLedgerRowView[]> {
    const rows: (Omit<ScoreLedgerRowView, 'occurred_at' | 'expires_at' | 'expired_at' | 'created_at'> & {
      occurred_at: Date;
      expires_at: Date | null;
      expired_at: Date | null;
      created_at: Date;
    })[] = await this.tx.manager.query(
      `SELECT * FROM (
         SELECT l.id, l.lead_id, l.event_id, l.rule_id, l.rule_slug, v.snapshot ->> 'name' AS rule_name,
                l.rule_version, l.category, l.points AS points_change, l.reason,
                sum(CASE WHEN l.expired THEN 0 ELSE l.points END)
                  OVER (PARTITION BY l.category ORDER BY l.occurred_at, l.created_at, l.id)::int AS new_total,
                l.occurred_at, l.expires_at, l.expired, l.expired_at, l.created_at
           FROM score_ledger l
           JOIN rule_versions v ON v.rule_id = l.rule_id AND v.version = l.rule_version
          WHERE l.lead_id = $1
       ) h
       WHERE $2::varchar IS NULL OR h.category = $2
       ORDER BY h.occurred_at DESC, h.created_at DESC, h.id DESC
       LIMIT $3 OFFSET $4`,
      [query.lead_id, query.category ?? null, query.limit, query.offset],
    );
    return rows.map((row) => ({
      ...row,
      occurred_at: row.occurred_at.toISOString(),
      expires_at: row.expires_at?.toISOString() ?? null,
      expired_at: row.expired_at?.toISOString() ?? null,
      created_at: row.created_at.toISOString(),
    }));
  }

  /** How many ledger rows the lead has, and how many points of them ran out. */
  async countsOf(leadId: string): Promise<{ rows: number; expiredPoints: number }> {
    const [row]: { rows: number; expired_points: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS rows, coalesce(sum(points) FILTER (WHERE expired), 0)::int AS expired_points
         FROM score_ledger WHERE lead_id = $1`,
      [leadId],
    );
    return { rows: row.rows, expiredPoints: row.expired_points };
  }

  /**
   * The fit rules each lead holds: per (lead, rule) with `fit` rows, whether it is held (more applications than
   * withdrawals) and the points held (the sum of those rows).
   */
  async fitHoldings(leadIds: string[]): Promise<Map<string, Map<string, number>>> {
    const rows: { lead_id: string; rule_id: string; points: number; held: number }[] =
      await this.tx.manager.query(
        `SELECT lead_id, rule_id, sum(points)::int AS points,
              (count(*) FILTER (WHERE reason = 'fit') - count(*) FILTER (WHERE reason = 'fit_withdrawn'))::int AS held
         FROM score_ledger
        WHERE lead_id = ANY($1::uuid[]) AND reason IN ('fit', 'fit_withdrawn')
        GROUP BY lead_id, rule_id`,
        [leadIds],
      );
    const holdings = new Map<string, Map<string, number>>();
    for (const row of rows) {
      if (row.held <= 0) continue;
      if (!holdings.has(row.lead_id)) holdings.set(row.lead_id, new Map());
      holdings.get(row.lead_id)!.set(row.rule_id, row.points);
    }
    return holdings;
  }
}

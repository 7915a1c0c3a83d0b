import { Injectable } from '@nestjs/common';
import type { IntentSignalView, LeadIntentsQuery } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import type { NewIntentSignal } from './intent-detection';

@Injectable()
export class IntentSignalRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** The intent rules each lead already has a signal of. */
  async heldRuleIds(leadIds: string[]): Promise<Map<string, Set<string>>> {
    const held = new Map<string, Set<string>>();
    if (!leadIds.length) return held;
    const rows: { lead_id: string; rule_id: string }[] = await this.tx.manager.query(
      `SELECT lead_id, rule_id FROM intent_signals WHERE lead_id = ANY($1::uuid[])`,
      [leadIds],
    );
    for (const row of rows) {
      if (!held.has(row.lead_id)) held.set(row.lead_id, new Set());
      held.get(row.lead_id)!.add(row.rule_id);
    }
    return held;
  }

  /** Inserts the signals in one statement, skipping any (lead, rule) held already; returns those inserted. */
  async insertMany(signals: NewIntentSignal[]): Promise<Set<string>> {
    if (!signals.length) return new Set();
    const column = <T>(value: (s: NewIntentSignal) => T) => signals.map(value);
    const rows: { lead_id: string; rule_id: string }[] = await this.tx.manager.query(
      `INSERT INTO intent_signals (lead_id, rule_id, rule_slug, rule_version, intent, confidence_points,
                                   trigger_type, event_id, trigger_data, detected_at)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::varchar[], $4::int[], $5::varchar[], $6::int[],
                            $7::varchar[], $8::uuid[], $9::jsonb[], $10::timestamptz[])
       ON CONFLICT (lead_id, rule_id) DO NOTHING
       RETURNING lead_id, rule_id`,
      [
        column((s) => s.leadId),
        column((s) => s.ruleId),
        column((s) => s.ruleSlug),
        column((s) => s.ruleVersion),
        column((s) => s.intent),
        column((s) => s.points),
        column((s) => s.triggerType),
        column((s) => s.eventId),
        column((s) => JSON.stringify(s.triggerData)),
        column((s) => s.detectedAt),
      ],
    );
    return new Set(rows.map((row) => signalKey(row.lead_id, row.rule_id)));
  }

  /** Removes every signal of the leads (a recalculation detects them again). */
  async deleteOfLeads(leadIds: string[]): Promise<void> {
    await this.tx.manager.query(`DELETE FROM intent_signals WHERE lead_id = ANY($1::uuid[])`, [leadIds]);
  }

  /** A page of the lead's signals, newest first. */
  async page(query: LeadIntentsQuery): Promise<IntentSignalView[]> {
    const rows: (Omit<IntentSignalView, 'detected_at'> & { detected_at: Date })[] =
      await this.tx.manager.query(
        `SELECT id, lead_id, intent, rule_id, rule_slug, confidence_points, trigger_type, event_id, trigger_data,
              detected_at
         FROM intent_signals
        WHERE lead_id = $1 AND ($2::varchar IS NULL OR intent = $2)
        ORDER BY detected_at DESC, created_at DESC, id DESC
        LIMIT $3 OFFSET $4`,
        [query.lead_id, query.intent ?? null, query.limit, query.offset],
      );
    return rows.map((row) => ({ ...row, detected_at: row.detected_at.toISOString() }));
  }
}

export function signalKey(leadId: string, ruleId: string): string {
  return `${leadId}:${ruleId}`;
}

import { Injectable } from '@nestjs/common';
import type { SlackAlertType } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';

/** An alert as recorded: what it was about and where it went, never what it said. */
export interface AlertRecord {
  alertKey: string;
  alertType: SlackAlertType;
  leadId: string | null;
  channel: string | null;
  status: 'queued' | 'skipped';
  /** `no_channel` (no channel mapped to its type) or `disabled`. */
  skipReason: string | null;
  messageKey: string | null;
}

/** The only code touching the alerts table. */
@Injectable()
export class AlertRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Inserts the alerts not recorded yet (in the handler's transaction); returns the keys it inserted. */
  async insertNew(records: readonly AlertRecord[]): Promise<Set<string>> {
    if (!records.length) return new Set();
    const rows: { alert_key: string }[] = await this.tx.manager.query(
      `INSERT INTO alerts (alert_key, alert_type, lead_id, channel, status, skip_reason, message_key)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
       ON CONFLICT (alert_key) DO NOTHING
       RETURNING alert_key`,
      [
        records.map((r) => r.alertKey),
        records.map((r) => r.alertType),
        records.map((r) => r.leadId),
        records.map((r) => r.channel),
        records.map((r) => r.status),
        records.map((r) => r.skipReason),
        records.map((r) => r.messageKey),
      ],
    );
    return new Set(rows.map((r) => r.alert_key));
  }
}

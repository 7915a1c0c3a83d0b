import { Injectable } from '@nestjs/common';
import type { LeadImportErrorView } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { Recordset } from '../leads/recordset';

export type ImportOutcome = 'created' | 'updated' | 'skipped' | 'failed';

/** One processed import row. */
export interface ImportItemRow {
  batchId: string;
  batchIndex: number;
  outcome: ImportOutcome;
  leadId: string | null;
  /** Kept for failed rows only (their error names it); other rows point at their lead. */
  email: string | null;
  errorCode: string | null;
  errorMessage: string | null;
}

export interface ImportBatchRow {
  batchId: string;
  source: string;
  campaignId: string | null;
  status: 'queued' | 'processing' | 'completed';
  totalLeads: number;
  processed: number;
  created: number;
  updated: number;
  skipped: number;
  failed: number;
  skipDuplicates: boolean;
  notifyOnComplete: boolean;
  notificationStatus: string | null;
  requestedByType: string;
  requestedById: string | null;
  requesterEmail: string | null;
  queuedAt: Date;
  completedAt: Date | null;
}

export type NewImportBatch = Omit<
  ImportBatchRow,
  'status' | 'processed' | 'created' | 'updated' | 'skipped' | 'failed' | 'notificationStatus' | 'completedAt'
>;

const ITEM = new Recordset<ImportItemRow>([
  ['batch_id', 'batchId', 'uuid'],
  ['batch_index', 'batchIndex', 'int'],
  ['outcome', 'outcome', 'varchar'],
  ['lead_id', 'leadId', 'uuid'],
  ['email', 'email', 'varchar'],
  ['error_code', 'errorCode', 'varchar'],
  ['error_message', 'errorMessage', 'varchar'],
]);

const SELECT_BATCH = `SELECT batch_id AS "batchId", source, campaign_id AS "campaignId", status,
                             total_leads AS "totalLeads", processed, created, updated, skipped, failed,
                             skip_duplicates AS "skipDuplicates", notify_on_complete AS "notifyOnComplete",
                             notification_status AS "notificationStatus", requested_by_type AS "requestedByType",
                             requested_by_id AS "requestedById", requester_email AS "requesterEmail",
                             queued_at AS "queuedAt", completed_at AS "completedAt"
                        FROM lead_import_batches`;

/** `batchId:batchIndex`, the identity of an import row. */
export function importItemKeyOf(batchId: string, batchIndex: number): string {
  return `${batchId}:${batchIndex}`;
}

/** Import batches, their processed rows and counts (api.md §4.4). */
@Injectable()
export class LeadImportRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Registers the batch unless it exists; returns the batch as stored (the first registration wins). */
  async register(batch: NewImportBatch): Promise<ImportBatchRow> {
    await this.tx.manager.query(
      `INSERT INTO lead_import_batches (batch_id, source, campaign_id, total_leads, skip_duplicates,
                                        notify_on_complete, requested_by_type, requested_by_id, requester_email,
                                        queued_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (batch_id) DO NOTHING`,
      [
        batch.batchId,
        batch.source,
        batch.campaignId,
        batch.totalLeads,
        batch.skipDuplicates,
        batch.notifyOnComplete,
        batch.requestedByType,
        batch.requestedById,
        batch.requesterEmail,
        batch.queuedAt,
      ],
    );
    return (await this.find(batch.batchId))!;
  }

  async find(batchId: string): Promise<ImportBatchRow | null> {
    const rows: ImportBatchRow[] = await this.tx.manager.query(`${SELECT_BATCH} WHERE batch_id = $1`, [
      batchId,
    ]);
    return rows[0] ?? null;
  }

  /** The batch's failed rows in row order. */
  async errorsOf(batchId: string): Promise<LeadImportErrorView[]> {
    return this.tx.manager.query(
      `SELECT batch_index, email, error_code AS code, error_message AS message
         FROM lead_import_items
        WHERE batch_id = $1 AND outcome = 'failed'
        ORDER BY batch_index`,
      [batchId],
    );
  }

  /** Which of the rows (as `importItemKeyOf` strings) are processed already. */
  async findProcessed(items: readonly { batchId: string; batchIndex: number }[]): Promise<Set<string>> {
    if (!items.length) return new Set();
    const rows: { batch_id: string; batch_index: number }[] = await this.tx.manager.query(
      `SELECT i.batch_id, i.batch_index
         FROM lead_import_items i
         JOIN unnest($1::uuid[], $2::int[]) AS k(batch_id, batch_index)
           ON i.batch_id = k.batch_id AND i.batch_index = k.batch_index`,
      [items.map((i) => i.batchId), items.map((i) => i.batchIndex)],
    );
    return new Set(rows.map((row) => importItemKeyOf(row.batch_id, row.batch_index)));
  }

  /**
   * Stores the processed rows (a row stored already, e.g. by a concurrent delivery, is skipped; so is a row of a
   * batch nobody registered) and adds what was stored to its batch's counts, in one statement. Returns the
   * batches this call completed: a batch completes once, in the call whose rows make `processed` reach
   * `total_leads`.
   */
  async recordItems(items: readonly ImportItemRow[]): Promise<ImportBatchRow[]> {
    if (!items.length) return [];
    const rows: { batch_id: string }[] = await this.tx.manager.query(
      `WITH stored AS (
         INSERT INTO lead_import_items (${ITEM.columns})
         SELECT ${ITEM.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${ITEM.definition})
          WHERE EXISTS (SELECT 1 FROM lead_import_batches b WHERE b.batch_id = r.batch_id)
         ON CONFLICT (batch_id, batch_index) DO NOTHING
         RETURNING batch_id, outcome
       ), counts AS (
         SELECT batch_id, count(*)::int AS n,
                count(*) FILTER (WHERE outcome = 'created')::int AS created,
                count(*) FILTER (WHERE outcome = 'updated')::int AS updated,
                count(*) FILTER (WHERE outcome = 'skipped')::int AS skipped,
                count(*) FILTER (WHERE outcome = 'failed')::int AS failed
           FROM stored GROUP BY batch_id
       ), moved AS (
         UPDATE lead_import_batches b
            SET processed = b.processed + c.n, created = b.created + c.created,
                updated = b.updated + c.updated, skipped = b.skipped + c.skipped, failed = b.failed + c.failed,
                status = CASE WHEN b.processed + c.n >= b.total_leads THEN 'completed' ELSE 'processing' END,
                completed_at = CASE WHEN b.processed + c.n >= b.total_leads THEN now() ELSE b.completed_at END,
                -- No mailer yet: the request is kept until one can serve it (api.md §4.4).
                notification_status = CASE WHEN b.processed + c.n >= b.total_leads AND b.notify_on_complete
                                           THEN 'awaiting_mailer' ELSE b.notification_status END
           FROM counts c
          WHERE b.batch_id = c.batch_id
         RETURNING b.batch_id, b.processed, b.total_leads, c.n
       )
       SELECT batch_id FROM moved WHERE processed >= total_leads AND processed - n < total_leads`,
      [ITEM.parameter(items)],
    );
    if (!rows.length) return [];
    return this.tx.manager.query(`${SELECT_BATCH} WHERE batch_id = ANY($1::uuid[]) ORDER BY batch_id`, [
      rows.map((row) => row.batch_id),
    ]);
  }
}

import type { LeadErasedV1, ServiceName, Subjects } from '@crm/contracts';
import type { Outbox } from '../outbox/outbox';
import type { EntityManager } from 'typeorm';

/**
 * GDPR erasure of a service's own messaging tables: published outbox rows and dead letters whose text mentions
 * any of `needles` (a lead id, an email). Unpublished outbox rows about an erased person are dropped too: their
 * consumers would only act on data that no longer exists. The inbox holds message ids only. Returns the number of
 * rows deleted.
 */
export async function eraseMessagesMentioning(
  manager: EntityManager,
  needles: readonly string[],
): Promise<number> {
  const patterns = needles.filter(Boolean).map((needle) => `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  if (!patterns.length) return 0;
  const outbox = await countOf(
    manager,
    `DELETE FROM outbox_message WHERE envelope::text ILIKE ANY($1::text[])`,
    [patterns],
  );
  const deadLetters = await countOf(manager, `DELETE FROM dead_letter WHERE payload ILIKE ANY($1::text[])`, [
    patterns,
  ]);
  return outbox + deadLetters;
}

/** Deletes a table's rows of one lead (`lead_id` column) and returns how many there were. */
export function deleteCounted(manager: EntityManager, table: string, leadId: string): Promise<number> {
  return countOf(manager, `DELETE FROM ${table} WHERE lead_id = $1`, [leadId]);
}

/** Runs a DELETE and counts its rows (a CTE, because TypeORM answers a bare DELETE with [rows, count]). */
async function countOf(manager: EntityManager, deletion: string, params: unknown[]): Promise<number> {
  const [{ n }]: { n: number }[] = await manager.query(
    `WITH deleted AS (${deletion} RETURNING 1) SELECT count(*)::int AS n FROM deleted`,
    params,
  );
  return n;
}

export type ErasureConfirmationSubject =
  | typeof Subjects.ScoringLeadErased
  | typeof Subjects.AutomationLeadErased
  | typeof Subjects.SlackLeadErased
  | typeof Subjects.MailerLeadErased
  | typeof Subjects.WebhooksLeadErased
  | typeof Subjects.CituroLeadErased
  | typeof Subjects.MocoLeadErased;

/** A service's confirmation to leads that it erased what it held about the lead (api.md §17). */
export async function confirmLeadErasure(
  outbox: Outbox,
  subject: ErasureConfirmationSubject,
  service: ServiceName,
  event: LeadErasedV1,
  deletedRecords: Record<string, number>,
): Promise<void> {
  await outbox.publish(subject, {
    erasure_id: event.erasure_id,
    lead_id: event.lead_id,
    service,
    deleted_records: deletedRecords,
    erased_at: new Date().toISOString(),
  });
}

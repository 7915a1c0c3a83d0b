import type { BulkImportLeadItem, BulkImportLeadsRequest, IngestEventReceivedV1 } from '@crm/contracts';
import type { Principal } from '../auth/principal';
import { INGEST_EVENT_ID_NAMESPACE, uuidV5 } from '../events/event-id';

/** Ingest source of every import row: the label the import gave (`csv_import`…) travels in `import.source`. */
export const IMPORT_EVENT_SOURCE = 'import';
export const IMPORT_EVENT_TYPE = 'lead_imported';

/** The item fields ingest reads from metadata (extractProfile, extractCompany) to fill leads and organizations. */
const PROFILE_AND_COMPANY_FIELDS = [
  'first_name',
  'last_name',
  'phone',
  'job_title',
  'company_name',
  'company_domain',
  'industry',
  'company_size',
  'country',
] as const satisfies readonly (keyof BulkImportLeadItem)[];

/**
 * The batch id of an import: with an `Idempotency-Key`, derived from it and the principal, so a retry after a
 * failure (which frees the key) republishes the same batch and rows, which dedupe; else a new one.
 */
export function importBatchIdOf(
  principal: Principal,
  idempotencyKey: string | undefined,
): string | undefined {
  if (idempotencyKey === undefined) return undefined;
  const principalId =
    principal.kind === 'api_key'
      ? `key:${principal.keyId}`
      : principal.kind === 'user'
        ? `member:${principal.memberId}`
        : `signed:${principal.source}`;
  return uuidV5(`bulk:${principalId}:${idempotencyKey}`, INGEST_EVENT_ID_NAMESPACE);
}

/** A row's event id: fixed by its batch and position, so publishing a batch again records nothing twice. */
export function importRowEventId(batchId: string, index: number): string {
  return uuidV5(`${batchId}:${index}`, INGEST_EVENT_ID_NAMESPACE);
}

/** The `lead_imported` INGEST message of each row (api.md §4.4), as the batched ingest consumer reads it. */
export function toImportEvents(
  request: BulkImportLeadsRequest,
  batch: { batchId: string; queuedAt: string; skipDuplicates: boolean },
  principal: Principal,
): IngestEventReceivedV1[] {
  return request.leads.map((item, index) => {
    const { api_key_source: _fromClient, ...extra } = item.metadata ?? {};
    const fields = Object.fromEntries(
      PROFILE_AND_COMPANY_FIELDS.flatMap((key) => (item[key] !== undefined ? [[key, item[key]]] : [])),
    );
    const metadata: Record<string, unknown> = { ...extra, ...fields };
    // The server, never the client, names the key's source (api.md §1.2).
    if (principal.kind === 'api_key') metadata.api_key_source = principal.source;
    return {
      event_id: importRowEventId(batch.batchId, index),
      producer_event_id: `${batch.batchId}:${index}`,
      event_type: IMPORT_EVENT_TYPE,
      event_category: 'import',
      source: IMPORT_EVENT_SOURCE,
      occurred_at: batch.queuedAt,
      received_at: batch.queuedAt,
      lead_identifier: {
        email: item.email,
        ...(item.linkedin_url !== undefined ? { linkedin_url: item.linkedin_url } : {}),
      },
      metadata,
      campaign_id: item.campaign_id ?? request.campaign_id ?? null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      import: {
        batch_id: batch.batchId,
        batch_index: index,
        source: item.source ?? request.source,
        skip_duplicates: batch.skipDuplicates,
        ...(item.message !== undefined ? { message: item.message } : {}),
      },
    };
  });
}

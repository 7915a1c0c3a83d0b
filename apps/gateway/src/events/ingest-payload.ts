import type { IngestEventReceivedV1, IngestEventRequest } from '@crm/contracts';
import type { Principal } from '../auth/principal';

/**
 * The INGEST message for a validated request. Built field by field from the validated request, so it meets the
 * IngestEventReceivedV1 contract by construction (ingest-payload.spec.ts checks that).
 */
export function toIngestPayload(
  request: IngestEventRequest,
  uuid: string,
  principal: Principal,
): IngestEventReceivedV1 {
  const identifier = request.lead_identifier;
  // A client's api_key_source is dropped: only the server names the key's source (api.md §1.2).
  const { api_key_source: _fromClient, ...metadata } = request.metadata ?? {};
  return {
    event_id: uuid,
    producer_event_id: request.event_id ?? null,
    event_type: request.event_type,
    event_category: request.event_category ?? null,
    source: request.source,
    occurred_at: toUtcIso(request.occurred_at),
    received_at: new Date().toISOString(),
    lead_identifier: {
      ...(identifier.email !== undefined ? { email: identifier.email } : {}),
      ...(identifier.portal_id !== undefined ? { portal_id: identifier.portal_id } : {}),
      ...(identifier.waalaxy_id !== undefined ? { waalaxy_id: identifier.waalaxy_id } : {}),
      ...(identifier.linkedin_url !== undefined ? { linkedin_url: identifier.linkedin_url } : {}),
      ...(identifier.lemlist_id !== undefined ? { lemlist_id: identifier.lemlist_id } : {}),
    },
    metadata: serverMetadata(metadata, principal),
    campaign_id: request.campaign_id ?? null,
    utm_source: request.utm_source ?? null,
    utm_medium: request.utm_medium ?? null,
    utm_campaign: request.utm_campaign ?? null,
  };
}

/** What the server, never the client, says: the key's source (api.md §1.2), or that the event came signed (§4.2). */
function serverMetadata(metadata: Record<string, unknown>, principal: Principal): Record<string, unknown> {
  if (principal.kind === 'api_key') return { ...metadata, api_key_source: principal.source };
  if (principal.kind === 'signed') return { ...metadata, webhook: true };
  return metadata;
}

/** Offsets are accepted on input; the CRM writes UTC with milliseconds (api.md §1.1). */
function toUtcIso(value: string): string {
  const date = new Date(value);
  const year = date.getUTCFullYear();
  return year >= 0 && year <= 9999 ? date.toISOString() : value;
}

import { hash, randomUUID } from 'node:crypto';
import { isUUID } from 'class-validator';

/**
 * Namespace of the UUIDv5 ids the gateway derives from producer ids. Fixed forever: changing it would give a
 * retried event a new id and defeat deduplication (api.md §4.1).
 */
export const INGEST_EVENT_ID_NAMESPACE = 'cf2dce4a-fbda-476a-b4dd-813799b84aef';

/** RFC 9562 UUIDv5 (SHA-1, name-based). */
export function uuidV5(name: string, namespace: string): string {
  const namespaceBytes = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  // One-shot hash: runs for every ingested event, and costs less than a createHash object.
  const digest = hash('sha1', Buffer.concat([namespaceBytes, Buffer.from(name, 'utf8')]), 'buffer');
  const bytes = digest.subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x50;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export interface DerivedEventId {
  /** The CRM uuid of the event: the stream's dedupe id (with the source) and the leads event key. */
  uuid: string;
  /** Which input the uuid came from. */
  basis: 'event_id' | 'idempotency_key' | 'random';
}

/**
 * The uuid of an ingested event: the producer's `event_id` if it is a UUID, else its UUIDv5 over
 * `${source}:${event_id}`; without `event_id` the `Idempotency-Key` header the same way; else a random uuid
 * (such an event cannot be deduplicated).
 */
export function deriveEventId(source: string, eventId?: string, idempotencyKey?: string): DerivedEventId {
  const fromProducerId = (id: string) =>
    isUUID(id) ? id.toLowerCase() : uuidV5(`${source}:${id}`, INGEST_EVENT_ID_NAMESPACE);
  if (eventId !== undefined && eventId !== '') return { uuid: fromProducerId(eventId), basis: 'event_id' };
  if (idempotencyKey !== undefined && idempotencyKey !== '') {
    return { uuid: fromProducerId(idempotencyKey), basis: 'idempotency_key' };
  }
  return { uuid: randomUUID(), basis: 'random' };
}

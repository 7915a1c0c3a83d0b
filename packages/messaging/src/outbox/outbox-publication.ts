import type { MsgHdrs } from '@nats-io/nats-core';
import { jetStreamHeaders } from '../nats/jetstream-pipeline';

/** What the relay sends for an outbox row. Outbox.publish measures these same bytes against the broker's limit. */
export interface OutboxPublication {
  payload: string;
  headers: MsgHdrs;
}

export function outboxPublication(id: string, envelope: object): OutboxPublication {
  // Built here, not by the pipeline, so that the measured size includes them.
  return { payload: JSON.stringify(envelope), headers: jetStreamHeaders(id) };
}

/** The bytes the server counts against `max_payload`: the payload plus the encoded header block. */
export function publicationSizeBytes({ payload, headers }: OutboxPublication): number {
  // Encoded as `NATS/1.0\r\n` + `key: value\r\n` per value + `\r\n`.
  let headerBytes = Buffer.byteLength('NATS/1.0\r\n\r\n');
  for (const [key, values] of headers) {
    for (const value of values) headerBytes += Buffer.byteLength(`${key}: ${value}\r\n`);
  }
  return Buffer.byteLength(payload) + headerBytes;
}

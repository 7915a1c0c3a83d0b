import { headers as natsHeaders, type MsgHdrs } from '@nats-io/nats-core';

/** What the relay sends for an outbox row. Outbox.publish measures these same bytes against the broker's limit. */
export interface OutboxPublication {
  payload: string;
  headers: MsgHdrs;
}

export function outboxPublication(id: string, envelope: object): OutboxPublication {
  const headers = natsHeaders();
  headers.set('Content-Type', 'application/json');
  // js.publish({ msgID }) would add this header too; setting it here makes it part of the measured size.
  headers.set('Nats-Msg-Id', id);
  return { payload: JSON.stringify(envelope), headers };
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

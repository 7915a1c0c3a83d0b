import { Inject, Injectable } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/nats-core';
import type { MessageEnvelope, PayloadOf, Subject } from '@crm/contracts';
import { SERVICE_NAME } from '@crm/service-kit';
import { createEnvelope } from '../envelope-factory';
import { NatsClient } from '../nats/nats-client';

export interface PublishAck {
  duplicate: boolean;
  seq: number;
  stream: string;
  messageId: string;
}

/**
 * Direct publishing for producers without a state change of their own (the gateway's ingest): resolves only
 * once JetStream has stored the message, or reports it as a duplicate of `msgId`.
 */
@Injectable()
export class JetStreamPublisher {
  constructor(
    private readonly nats: NatsClient,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: { msgId: string; idempotencyKey?: string; timeoutMs?: number },
  ): Promise<PublishAck> {
    const envelope = createEnvelope(this.service, subject, data, { idempotencyKey: options.idempotencyKey });
    const h = natsHeaders();
    h.set('Content-Type', 'application/json');
    const ack = await this.nats.js.publish(this.nats.namespace.subject(subject), JSON.stringify(envelope), {
      msgID: options.msgId,
      headers: h,
      timeout: options.timeoutMs ?? 5000,
    });
    return { duplicate: ack.duplicate, seq: ack.seq, stream: ack.stream, messageId: envelope.id };
  }

  /** The stored envelope at `seq` of `stream` (the stream name as returned in PublishAck). */
  async getEnvelope<T = unknown>(stream: string, seq: number): Promise<MessageEnvelope<T> | null> {
    const stored = await this.nats.jsm.streams.getMessage(stream, { seq }).catch(() => null);
    return stored ? stored.json<MessageEnvelope<T>>() : null;
  }

  /** Whether a stream is usable (gateway readiness). */
  async streamReady(name: string): Promise<boolean> {
    return this.nats.jsm.streams
      .info(this.nats.namespace.stream(name))
      .then(() => true)
      .catch(() => false);
  }
}

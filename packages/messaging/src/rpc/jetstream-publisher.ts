import { Inject, Injectable } from '@nestjs/common';
import type { MessageEnvelope, PayloadOf, Subject } from '@crm/contracts';
import { SERVICE_NAME } from '@crm/service-kit';
import { createEnvelope, wrapInEnvelope } from '../envelope-factory';
import { JetStreamPipeline } from '../nats/jetstream-pipeline';
import { NatsClient } from '../nats/nats-client';

export interface PublishAck {
  duplicate: boolean;
  seq: number;
  stream: string;
  messageId: string;
}

export interface JetStreamPublishOptions {
  msgId: string;
  idempotencyKey?: string;
  timeoutMs?: number;
  /**
   * The caller built `data` field by field from input it validated against an equivalent contract, so the
   * contract check of createEnvelope would only repeat that work (it doubled the gateway's validation cost).
   */
  payloadValidated?: boolean;
}

/**
 * Direct publishing for producers without a state change of their own (the gateway's ingest): resolves only
 * once JetStream has stored the message, or reports it as a duplicate of `msgId`. Concurrent publishes are
 * pipelined (JetStreamPipeline), not sent one request at a time.
 */
@Injectable()
export class JetStreamPublisher {
  constructor(
    private readonly nats: NatsClient,
    private readonly pipeline: JetStreamPipeline,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: JetStreamPublishOptions,
  ): Promise<PublishAck> {
    // Built now, not when sent: the envelope takes the correlation id from the caller's context.
    const envelopeOptions = { idempotencyKey: options.idempotencyKey };
    const envelope = options.payloadValidated
      ? wrapInEnvelope(this.service, subject, data, envelopeOptions)
      : createEnvelope(this.service, subject, data, envelopeOptions);
    const stored = await this.pipeline.publish(
      this.nats.namespace.subject(subject),
      JSON.stringify(envelope),
      {
        msgId: options.msgId,
        timeoutMs: options.timeoutMs,
      },
    );
    return { ...stored, messageId: envelope.id };
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

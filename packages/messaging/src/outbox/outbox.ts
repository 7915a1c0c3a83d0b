import { Inject, Injectable } from '@nestjs/common';
import type { MessageEnvelope, PayloadOf, Subject } from '@crm/contracts';
import { SERVICE_NAME, TransactionHost } from '@crm/service-kit';
import { createEnvelope, type PublishOptions } from '../envelope-factory';
import { NatsClient } from '../nats/nats-client';
import { OutboxMessageTooLargeError } from './outbox-message-too-large.error';
import { outboxPublication, publicationSizeBytes } from './outbox-publication';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

export { OutboxMessageTooLargeError };

/** One message for `publishMany`: a subject with its payload type. */
export type OutboxMessage = {
  [S in Subject]: { subject: S; data: PayloadOf[S]; options?: PublishOptions };
}[Subject];

/** nats-server's default `max_payload`, assumed while the connection has not told us the real one. */
const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024;

/**
 * Publishing that accompanies a state change. The message is stored in the caller's transaction and relayed
 * to JetStream after commit, so state and message are never out of step.
 */
@Injectable()
export class Outbox {
  constructor(
    @Inject(SERVICE_NAME) private readonly service: string,
    private readonly repository: OutboxRepository,
    private readonly relay: OutboxRelay,
    private readonly tx: TransactionHost,
    private readonly nats: NatsClient,
  ) {}

  /**
   * Returns the message id. Throws OutboxMessageTooLargeError for an envelope the broker would refuse, so the
   * caller's transaction rolls back rather than committing a message that can never be published.
   */
  async publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: PublishOptions = {},
  ): Promise<string> {
    const envelope = createEnvelope(this.service, subject, data, options);
    this.assertFitsBroker(envelope);
    const row = { id: envelope.id, subject, envelope: envelope as unknown as Record<string, unknown> };
    await this.repository.add(row);
    this.tx.onCommit(() => this.relay.handOver([row]));
    return envelope.id;
  }

  /**
   * Many messages in one insert (a batch handler's output), published in the order given. Each may name the
   * message that caused it (`options.causedBy`). Returns the message ids in the same order.
   */
  async publishMany(messages: OutboxMessage[]): Promise<string[]> {
    const envelopes = messages.map(({ subject, data, options }) => {
      const envelope = createEnvelope(this.service, subject, data, options);
      this.assertFitsBroker(envelope);
      return envelope;
    });
    const rows = envelopes.map((envelope) => ({
      id: envelope.id,
      subject: envelope.type,
      envelope: envelope as unknown as Record<string, unknown>,
    }));
    await this.repository.addMany(rows);
    if (rows.length) this.tx.onCommit(() => this.relay.handOver(rows));
    return envelopes.map((envelope) => envelope.id);
  }

  private assertFitsBroker(envelope: MessageEnvelope<unknown>): void {
    const sizeBytes = publicationSizeBytes(outboxPublication(envelope.id, envelope));
    const maxPayloadBytes = this.maxPayloadBytes();
    if (sizeBytes > maxPayloadBytes)
      throw new OutboxMessageTooLargeError(envelope.type, envelope.id, sizeBytes, maxPayloadBytes);
  }

  private maxPayloadBytes(): number {
    try {
      return this.nats.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD_BYTES;
    } catch {
      // Not connected yet: writing a state change must not depend on the broker being up.
      return DEFAULT_MAX_PAYLOAD_BYTES;
    }
  }
}

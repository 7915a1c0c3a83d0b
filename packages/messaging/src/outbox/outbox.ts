import { Inject, Injectable } from '@nestjs/common';
import type { PayloadOf, Subject } from '@crm/contracts';
import { SERVICE_NAME, TransactionHost } from '@crm/service-kit';
import { createEnvelope, type PublishOptions } from '../envelope-factory';
import { OutboxRelay } from './outbox-relay';
import { OutboxRepository } from './outbox.repository';

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
  ) {}

  /** Returns the message id. */
  async publish<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: PublishOptions = {},
  ): Promise<string> {
    const envelope = createEnvelope(this.service, subject, data, options);
    await this.repository.add({
      id: envelope.id,
      subject,
      envelope: envelope as unknown as Record<string, unknown>,
    });
    this.tx.onCommit(() => this.relay.wake());
    return envelope.id;
  }
}

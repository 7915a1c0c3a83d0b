import { RequestContext } from '@crm/service-kit';

/** What a handler may want to know about the delivery it is handling. */
export class MessageContext {
  constructor(
    /** the contract subject (without namespace). */
    readonly subject: string,
    /** the durable consumer, or `request` for request-reply. */
    readonly consumer: string,
    readonly messageId: string,
    readonly deliveryCount: number,
    readonly maxDeliver: number,
    readonly streamSequence: number | null,
  ) {}

  get isLastAttempt(): boolean {
    return this.deliveryCount >= this.maxDeliver;
  }
}

/** What a batch handler knows about its batch: the consumer and each message's delivery, in stream order. */
export class BatchContext {
  constructor(
    readonly consumer: string,
    readonly messages: readonly MessageContext[],
  ) {}

  /**
   * Runs `work` as part of one message's flow: what it publishes carries that message's correlation id and
   * names it as the cause.
   */
  within<T>(envelope: { id: string; correlation_id: string }, work: () => T): T {
    return RequestContext.run({ correlationId: envelope.correlation_id, causationId: envelope.id }, work);
  }
}

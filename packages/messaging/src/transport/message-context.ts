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

/**
 * An envelope larger than the broker accepts. Thrown where the message is written, so the caller's state change
 * rolls back with it instead of committing a row that can never be published.
 */
export class OutboxMessageTooLargeError extends Error {
  constructor(
    readonly subject: string,
    readonly messageId: string,
    readonly sizeBytes: number,
    readonly maxPayloadBytes: number,
  ) {
    super(
      `Refusing to publish ${subject} message ${messageId}: ${sizeBytes} bytes with headers, ` +
        `more than the broker's max_payload of ${maxPayloadBytes} bytes`,
    );
    this.name = 'OutboxMessageTooLargeError';
  }
}

/** A message ready for Slack: Block Kit blocks plus the plain-text fallback Slack shows in notifications. */
export interface OutgoingSlackMessage {
  channel: string;
  text: string;
  blocks: Record<string, unknown>[];
}

export interface SlackPostResult {
  /** Message ts; chat.postMessage returns one, incoming webhooks do not. */
  ts: string | null;
  /** Where Slack says it posted (a channel id in bot mode); the requested channel for webhooks. */
  channel: string;
  /** Short vendor answer kept in the message log (`ok` for webhooks). Never the message itself. */
  vendorResponse: string;
}

export type SlackClientMode = 'webhook' | 'bot';

/**
 * How a failed call should be treated:
 * - `rate_limited`: 429; retry after `retryAfterMs` (Slack's Retry-After);
 * - `transient`: 5xx, network error or timeout; retry with backoff;
 * - `permanent`: any other rejection (4xx, Web API `ok:false`); retrying cannot help.
 */
export type SlackFailureKind = 'rate_limited' | 'transient' | 'permanent';

export class SlackDeliveryError extends Error {
  constructor(
    readonly kind: SlackFailureKind,
    /** Slack's error code: the plain-text webhook body (`channel_not_found`) or the Web API `error`. */
    readonly vendorCode: string | null,
    readonly vendorStatus: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
    this.name = 'SlackDeliveryError';
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

/** One way of delivering a message to Slack. Implementations throw SlackDeliveryError and nothing else. */
export interface SlackClient {
  readonly mode: SlackClientMode;
  post(message: OutgoingSlackMessage): Promise<SlackPostResult>;
}

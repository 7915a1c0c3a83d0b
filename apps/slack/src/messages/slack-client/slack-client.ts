/** A message ready for Slack: Block Kit blocks plus the plain-text fallback Slack shows in notifications. */
export interface OutgoingSlackMessage {
  channel: string;
  text: string;
  blocks: Record<string, unknown>[];
  /** The command's key; a bot post carries it as message metadata, so the message can be found again. */
  idempotencyKey: string;
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

/**
 * Whether Slack may show the message although the call failed:
 * - `not_posted`: Slack answered with a rejection, or the request never left (connection refused);
 * - `unknown`: no answer (timeout, connection lost mid-request), or an error Slack says may have partly succeeded.
 */
export type SlackPostOutcome = 'not_posted' | 'unknown';

export class SlackDeliveryError extends Error {
  constructor(
    readonly kind: SlackFailureKind,
    /** Slack's error code: the plain-text webhook body (`channel_not_found`) or the Web API `error`. */
    readonly vendorCode: string | null,
    readonly vendorStatus: number | null,
    message: string,
    readonly retryAfterMs: number | null = null,
    readonly outcome: SlackPostOutcome = 'not_posted',
  ) {
    super(message);
    this.name = 'SlackDeliveryError';
  }

  get retryable(): boolean {
    return this.kind !== 'permanent';
  }
}

/** What a client found out about a message an earlier attempt may have posted. */
export type EarlierPost =
  | { status: 'posted'; result: SlackPostResult }
  | { status: 'not_posted' }
  | { status: 'unknown'; reason: string };

/** One way of delivering a message to Slack. Implementations throw SlackDeliveryError and nothing else. */
export interface SlackClient {
  readonly mode: SlackClientMode;
  post(message: OutgoingSlackMessage): Promise<SlackPostResult>;
  /**
   * Looks for the message posted under `idempotencyKey` to `channel` by an attempt that started at `since`.
   * Throws SlackDeliveryError when Slack could not be asked and a later try may succeed (429, 5xx, network).
   */
  findEarlierPost(channel: string, idempotencyKey: string, since: Date): Promise<EarlierPost>;
}

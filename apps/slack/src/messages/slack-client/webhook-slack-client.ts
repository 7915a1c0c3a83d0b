import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import { parseRetryAfterMs, vendorCodeFrom } from './retry-after';
import {
  SlackDeliveryError,
  type OutgoingSlackMessage,
  type SlackClient,
  type SlackPostResult,
} from './slack-client';

/** The response type of the library's `fetch` option (not exported by name). */
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

/**
 * Posts through an incoming webhook with the official `@slack/webhook` client, without its own retries:
 * the message queue schedules retries so a handler never blocks.
 *
 * The library fails at once on every 4xx including 429, and its IncomingWebhookHTTPError carries only
 * statusCode, statusMessage and body: the response headers, and with them `Retry-After`, are dropped.
 * So the client is given a `fetch` that keeps the last response's headers for this one send.
 */
export class WebhookSlackClient implements SlackClient {
  readonly mode = 'webhook' as const;

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
    private readonly fetchFn: typeof globalThis.fetch = globalThis.fetch,
  ) {}

  async post(message: OutgoingSlackMessage): Promise<SlackPostResult> {
    let lastResponse: FetchResponse | undefined;
    const recordingFetch: FetchFunction = async (url, init) => {
      const response = await this.fetchFn(url, init as RequestInit);
      lastResponse = response;
      return response;
    };
    // One client per send, so concurrent sends never see each other's response headers.
    const webhook = new IncomingWebhook(this.url, {
      timeout: this.timeoutMs,
      retryConfig: { retries: 0 },
      fetch: recordingFetch,
    });
    const payload: IncomingWebhookSendArguments = {
      text: message.text,
      blocks: message.blocks as unknown as IncomingWebhookSendArguments['blocks'],
      unfurl_links: false,
    };
    try {
      const result = await webhook.send(payload);
      return { ts: null, channel: message.channel, vendorResponse: result.text.slice(0, 200) };
    } catch (error) {
      throw toDeliveryError(error, lastResponse);
    }
  }
}

function toDeliveryError(error: unknown, response: FetchResponse | undefined): SlackDeliveryError {
  if (error instanceof IncomingWebhookHTTPError) {
    const status = error.statusCode;
    const code = vendorCodeFrom(error.body);
    const described = `Slack webhook answered HTTP ${status}${code ? ` ${code}` : ''}`;
    if (status === 429) {
      const retryAfterMs = parseRetryAfterMs(response?.headers.get('retry-after'));
      return new SlackDeliveryError('rate_limited', code ?? 'rate_limited', status, described, retryAfterMs);
    }
    return new SlackDeliveryError(status >= 500 ? 'transient' : 'permanent', code, status, described);
  }
  if (error instanceof IncomingWebhookRequestError) {
    const original = error.original;
    const timedOut = original.name === 'TimeoutError' || original.name === 'AbortError';
    return new SlackDeliveryError(
      'transient',
      null,
      null,
      timedOut
        ? 'Slack webhook did not answer in time'
        : `Slack webhook request failed: ${safeReason(original)}`,
    );
  }
  return new SlackDeliveryError('transient', null, null, `Slack webhook call failed: ${safeReason(error)}`);
}

/** The error's own words without anything that could carry the webhook URL (its path is a secret). */
export function safeReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // fetch reports "fetch failed" and keeps the socket error (ECONNREFUSED, ...) in `cause`.
  const cause = error instanceof Error ? (error.cause as { code?: unknown } | undefined)?.code : undefined;
  const full = typeof cause === 'string' ? `${text} (${cause})` : text;
  return full.replace(/https?:\/\/\S+/g, '[url]').slice(0, 300);
}

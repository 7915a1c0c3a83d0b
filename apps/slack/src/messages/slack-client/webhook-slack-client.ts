import {
  IncomingWebhook,
  IncomingWebhookHTTPError,
  IncomingWebhookRequestError,
  type FetchFunction,
  type IncomingWebhookSendArguments,
} from '@slack/webhook';
import { requestFailure, safeReason } from './request-failure';
import { parseRetryAfterMs, vendorCodeFrom } from './retry-after';
import {
  SlackDeliveryError,
  type EarlierPost,
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
 *
 * An answered request, error or not, means Slack did not post (external-apis.md §3.1: errors are plain-text
 * rejections); a request without an answer may have been posted, and a webhook offers no way to find out.
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

  async findEarlierPost(): Promise<EarlierPost> {
    return { status: 'unknown', reason: 'an incoming webhook offers no way to look a message up' };
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
  if (error instanceof IncomingWebhookRequestError) return requestFailure(error.original, 'Slack webhook');
  // Anything else happened inside the library, possibly after the request left.
  return new SlackDeliveryError(
    'transient',
    null,
    null,
    `Slack webhook call failed: ${safeReason(error)}`,
    null,
    'unknown',
  );
}

import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type ChatPostMessageArguments,
} from '@slack/web-api';
import { vendorCodeFrom } from './retry-after';
import {
  SlackDeliveryError,
  type OutgoingSlackMessage,
  type SlackClient,
  type SlackPostResult,
} from './slack-client';
import { safeReason } from './webhook-slack-client';

/** Web API codes that describe a problem on Slack's side, so a later attempt may succeed. */
const RETRYABLE_PLATFORM_CODES = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/** The in-body `rate_limited` (and `ratelimited`) answers: wait and retry, like an HTTP 429. */
const RATE_LIMIT_PLATFORM_CODES = new Set(['rate_limited', 'ratelimited']);

/**
 * chat.postMessage with the official `@slack/web-api` client. Its own retries and rate-limit pausing are off
 * (`retries: 0`, `rejectRateLimitedCalls: true`): a paused client would block a queue handler for minutes,
 * so the queue reschedules instead (external-apis.md §5).
 */
export class BotSlackClient implements SlackClient {
  readonly mode = 'bot' as const;
  private readonly client: WebClient;

  constructor(token: string, apiUrl: string | undefined, timeoutMs: number) {
    this.client = new WebClient(token, {
      slackApiUrl: apiUrl,
      retryConfig: { retries: 0 },
      rejectRateLimitedCalls: true,
      timeout: timeoutMs,
      // The library's console logger would print request failures outside our JSON logs.
      logLevel: LogLevel.ERROR,
    });
  }

  async post(message: OutgoingSlackMessage): Promise<SlackPostResult> {
    const args = {
      channel: message.channel,
      text: message.text,
      blocks: message.blocks,
      unfurl_links: false,
    } as unknown as ChatPostMessageArguments;
    try {
      const result = await this.client.chat.postMessage(args);
      return {
        ts: result.ts ?? null,
        channel: result.channel ?? message.channel,
        vendorResponse: result.ts ? `ok ts=${result.ts}` : 'ok',
      };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }
}

function toDeliveryError(error: unknown): SlackDeliveryError {
  if (error instanceof WebAPIRateLimitedError) {
    return new SlackDeliveryError(
      'rate_limited',
      'ratelimited',
      429,
      `Slack Web API answered HTTP 429 (Retry-After ${error.retryAfter} s)`,
      error.retryAfter * 1000,
    );
  }
  if (error instanceof WebAPIPlatformError) {
    const code = error.data.error;
    const message = `Slack Web API answered ok:false ${code}`;
    if (RATE_LIMIT_PLATFORM_CODES.has(code))
      return new SlackDeliveryError('rate_limited', code, 200, message);
    return new SlackDeliveryError(
      RETRYABLE_PLATFORM_CODES.has(code) ? 'transient' : 'permanent',
      code,
      200,
      message,
    );
  }
  if (error instanceof WebAPIHTTPError) {
    const code = vendorCodeFrom(jsonErrorCode(error.body) ?? error.body);
    const message = `Slack Web API answered HTTP ${error.statusCode}${code ? ` ${code}` : ''}`;
    return new SlackDeliveryError(
      error.statusCode >= 500 ? 'transient' : 'permanent',
      code,
      error.statusCode,
      message,
    );
  }
  if (error instanceof WebAPIRequestError) {
    const timedOut = error.original.name === 'TimeoutError' || error.original.name === 'AbortError';
    return new SlackDeliveryError(
      'transient',
      null,
      null,
      timedOut
        ? 'Slack Web API did not answer in time'
        : `Slack Web API request failed: ${safeReason(error.original)}`,
    );
  }
  // A 429 without a usable Retry-After surfaces as a plain Error from the library.
  return new SlackDeliveryError('transient', null, null, `Slack Web API call failed: ${safeReason(error)}`);
}

function jsonErrorCode(body: unknown): string | null {
  if (typeof body !== 'string') return null;
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : null;
  } catch {
    return null;
  }
}

import {
  LogLevel,
  WebAPIHTTPError,
  WebAPIPlatformError,
  WebAPIRateLimitedError,
  WebAPIRequestError,
  WebClient,
  type ChatPostMessageArguments,
} from '@slack/web-api';
import { requestFailure, safeReason } from './request-failure';
import { vendorCodeFrom } from './retry-after';
import {
  SlackDeliveryError,
  type EarlierPost,
  type OutgoingSlackMessage,
  type SlackClient,
  type SlackPostResult,
} from './slack-client';

/** Web API codes that describe a problem on Slack's side, so a later attempt may succeed. */
const RETRYABLE_PLATFORM_CODES = new Set([
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);
/** Slack documents these as "it's possible some aspect of the operation succeeded": the message may be there. */
const MAYBE_DONE_PLATFORM_CODES = new Set(['internal_error', 'fatal_error']);
/** The in-body `rate_limited` (and `ratelimited`) answers: wait and retry, like an HTTP 429. */
const RATE_LIMIT_PLATFORM_CODES = new Set(['rate_limited', 'ratelimited']);

/** The metadata event type our messages carry; its payload holds the command's idempotency key. */
export const MESSAGE_METADATA_EVENT_TYPE = 'crm_message';

const CHANNEL_ID = /^[CGD][A-Z0-9]{8,}$/;
/** Slack recommends pages of at most 200 (conversations.history and conversations.list). */
const PAGE_SIZE = 200;
/** Bounds on a lookup, so it ends well within the consumer's ack wait; beyond them the answer is "unknown". */
const MAX_HISTORY_PAGES = 5;
const MAX_CHANNEL_PAGES = 10;
/** Slack stamps ts with its own clock: look a little further back than our record of the attempt. */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * chat.postMessage with the official `@slack/web-api` client. Its own retries and rate-limit pausing are off
 * (`retries: 0`, `rejectRateLimitedCalls: true`): a paused client would block a queue handler for minutes,
 * so the queue reschedules instead (external-apis.md §5).
 *
 * Each message carries the command's idempotency key as message metadata, so a message whose post outcome
 * was lost can be found again in the channel history (needs the `channels:read`, `groups:read`,
 * `channels:history` and `groups:history` scopes besides `chat:write`).
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
      metadata: {
        event_type: MESSAGE_METADATA_EVENT_TYPE,
        event_payload: { idempotency_key: message.idempotencyKey },
      },
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

  /** auth.test: whether the token works, and for which workspace and bot user. */
  async checkAuth(): Promise<{ team: string | null; user: string | null }> {
    try {
      const result = await this.client.auth.test();
      return { team: result.team ?? null, user: result.user ?? null };
    } catch (error) {
      throw toDeliveryError(error);
    }
  }

  /**
   * Reads the channel's history since the attempt began and looks for our metadata. A channel that does not
   * exist cannot hold the message; a lookup Slack refuses (a missing scope, say) or one cut short by the page
   * bounds cannot tell.
   */
  async findEarlierPost(channel: string, idempotencyKey: string, since: Date): Promise<EarlierPost> {
    try {
      const channelId = await this.channelIdOf(channel);
      if (channelId === 'unknown') {
        return { status: 'unknown', reason: `more than ${MAX_CHANNEL_PAGES * PAGE_SIZE} channels to search` };
      }
      if (channelId === null) return { status: 'not_posted' };
      const oldest = ((since.getTime() - CLOCK_SKEW_MS) / 1000).toFixed(6);
      let cursor: string | undefined;
      for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
        const history = await this.client.conversations.history({
          channel: channelId,
          oldest,
          limit: PAGE_SIZE,
          include_all_metadata: true,
          cursor,
        });
        const found = history.messages?.find((m) => carriesKey(m.metadata, idempotencyKey));
        if (found?.ts) {
          return {
            status: 'posted',
            result: { ts: found.ts, channel: channelId, vendorResponse: `found ts=${found.ts}` },
          };
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) return { status: 'not_posted' };
      }
      return {
        status: 'unknown',
        reason: `more than ${MAX_HISTORY_PAGES * PAGE_SIZE} messages since the attempt`,
      };
    } catch (error) {
      const failure = toDeliveryError(error);
      if (failure.retryable) throw failure;
      return { status: 'unknown', reason: `the lookup failed: ${failure.message}` };
    }
  }

  /** A channel ID as given, or the ID of the channel with this name; null when there is none. */
  private async channelIdOf(channel: string): Promise<string | null | 'unknown'> {
    if (CHANNEL_ID.test(channel)) return channel;
    const name = channel.trim().replace(/^#/, '').toLowerCase();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_CHANNEL_PAGES; page++) {
      // Archived channels too: the channel may have been archived after the post.
      const list = await this.client.conversations.list({
        types: 'public_channel,private_channel',
        limit: PAGE_SIZE,
        cursor,
      });
      const match = list.channels?.find((c) => c.name === name);
      if (match?.id) return match.id;
      cursor = list.response_metadata?.next_cursor || undefined;
      if (!cursor) return null;
    }
    return 'unknown';
  }
}

/** True for the metadata our post attached for this key (the library types its payload as `{}`). */
function carriesKey(
  metadata: { event_type?: string; event_payload?: object } | undefined,
  key: string,
): boolean {
  const payload = metadata?.event_payload as { idempotency_key?: unknown } | undefined;
  return metadata?.event_type === MESSAGE_METADATA_EVENT_TYPE && payload?.idempotency_key === key;
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
      null,
      MAYBE_DONE_PLATFORM_CODES.has(code) ? 'unknown' : 'not_posted',
    );
  }
  if (error instanceof WebAPIHTTPError) {
    const code = vendorCodeFrom(jsonErrorCode(error.body) ?? error.body);
    const message = `Slack Web API answered HTTP ${error.statusCode}${code ? ` ${code}` : ''}`;
    const serverSide = error.statusCode >= 500;
    // A 5xx may come from a proxy after Slack handled the post; the lookup settles it, so treat it as unknown.
    return new SlackDeliveryError(
      serverSide ? 'transient' : 'permanent',
      code,
      error.statusCode,
      message,
      null,
      serverSide ? 'unknown' : 'not_posted',
    );
  }
  if (error instanceof WebAPIRequestError) return requestFailure(error.original, 'Slack Web API');
  // E.g. a 429 without a usable Retry-After, which the library reports as a plain Error. Whatever it was, a
  // lookup is cheap and a duplicate is not: unknown.
  return new SlackDeliveryError(
    'transient',
    null,
    null,
    `Slack Web API call failed: ${safeReason(error)}`,
    null,
    'unknown',
  );
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

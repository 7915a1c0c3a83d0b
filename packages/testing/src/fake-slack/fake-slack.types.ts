import type { IncomingHttpHeaders } from 'node:http';
import type { SlackMessageMetadata } from './workspace';

export type { SlackMessageMetadata } from './workspace';

/** Which Slack surface a request hit: incoming webhooks or the Web API (`/api/*`). */
export type SlackRequestKind = 'webhook' | 'web_api';

/** 429 with `Retry-After`; webhook body `rate_limited`, Web API body `{"ok":false,"error":"ratelimited"}`. */
export interface RateLimitMode {
  kind: 'rate_limit';
  retryAfterSeconds: number;
  times?: number;
}

/**
 * 5xx. Webhook body is plain text (`rollup_error` by default); the Web API answers JSON
 * `{"ok":false,"error":<body or "internal_error">}` so WebClient raises `slack_webapi_http_error`.
 */
export interface ServerErrorMode {
  kind: 'server_error';
  status?: 500 | 502 | 503;
  body?: string;
  times?: number;
}

/**
 * Webhook 4xx with a plain-text code (404 `channel_not_found`, 410 `channel_is_archived`,
 * 403 `action_prohibited`, 404 `no_service`, ...). The Web API never uses 4xx for these, so there
 * the same mode becomes `200 {"ok":false,"error":<body>}` (external-apis.md 3.2).
 */
export interface ClientErrorMode {
  kind: 'client_error';
  status: 400 | 403 | 404 | 410;
  body: string;
  times?: number;
}

/**
 * The request takes effect as usual (a webhook message or chat.postMessage is delivered and recorded) and only
 * the answer waits `delayMs`: a slow Slack, or, when the sender gives up or dies meanwhile, a post whose answer
 * was lost.
 */
export interface SlowReplyMode {
  kind: 'slow_reply';
  delayMs: number;
  times?: number;
}

/** `times` = number of matching requests the mode answers before it heals itself; undefined = until `heal()`. */
export type FailureMode = RateLimitMode | ServerErrorMode | ClientErrorMode | SlowReplyMode;

/** The modes that answer in place of Slack (everything but a slow reply). */
export type ErrorReplyMode = Exclude<FailureMode, SlowReplyMode>;

export interface FailOptions {
  /** Request path (or full URL) the mode is scoped to, e.g. a webhook path or `/api/chat.postMessage`. Omit for all requests. */
  path?: string;
}

export interface FakeSlackConfig {
  /** Bot tokens accepted by the Web API. Default: any token starting with `xoxb-`. */
  validTokens?: string[];
  /**
   * Channel IDs or names (with or without `#`) chat.postMessage and conversations.history accept; the names are
   * what conversations.list lists (besides channels posted to by name). Default: any channel.
   */
  knownChannels?: string[];
}

export interface FakeSlackStartOptions extends FakeSlackConfig {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
}

/** One recorded HTTP request, whatever the outcome. */
export interface ReceivedRequest {
  at: Date;
  method: string;
  path: string;
  kind: SlackRequestKind;
  headers: IncomingHttpHeaders;
  /** Parsed body (form fields `blocks`/`attachments` JSON-decoded); null when it could not be parsed. */
  body: Record<string, unknown> | null;
  rawBody: string;
  status: number;
  /** What the fake answered: a string for plain-text replies, the object for JSON replies. */
  response: unknown;
  /** Set when the request was a message that Slack would have delivered. */
  delivered?: SlackMessage;
}

/** A message the fake accepted (webhook `200 ok` or chat.postMessage `ok:true`). */
export interface SlackMessage {
  kind: SlackRequestKind;
  path: string;
  /** Channel ID for chat.postMessage; undefined for webhooks (their channel is fixed at install time). */
  channel?: string;
  /** Message ts for chat.postMessage; webhooks do not return one. */
  ts?: string;
  text?: string;
  blocks?: unknown[];
  attachments?: unknown[];
  /** chat.postMessage `metadata` (`{event_type, event_payload}`), decoded; webhooks take none. */
  metadata?: SlackMessageMetadata;
  /** The full parsed request body, e.g. to assert on `unfurl_links` or `thread_ts`. */
  body: Record<string, unknown>;
  at: Date;
}

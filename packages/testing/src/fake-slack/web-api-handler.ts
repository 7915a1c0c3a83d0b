import type { ErrorReplyMode, FakeSlackConfig, SlackMessage } from './fake-slack.types';
import { type Reply, jsonReply } from './reply';
import { hasContent, isPlainObject, tryParseJson } from './request-body';
import { type TsClock, channelIdFor, isChannelId } from './slack-ids';
import type { FakeWorkspace, SlackMessageMetadata, StoredMessage } from './workspace';

/** Identity returned by `auth.test` and stamped on posted messages; exported so tests can assert on it. */
export const FAKE_SLACK_IDENTITY = {
  url: 'https://fake-workspace.slack.com/',
  team: 'Fake Workspace',
  user: 'fake-bot',
  team_id: 'T000FAKE',
  user_id: 'U000FAKE',
  bot_id: 'B000FAKE',
} as const;

/** Form fields that @slack/web-api JSON-encodes (external-apis.md 3.2) and the error code Slack uses when they are malformed. */
const JSON_FORM_FIELDS: Record<string, string> = {
  blocks: 'invalid_blocks',
  attachments: 'invalid_arguments',
  metadata: 'invalid_metadata_format',
};

/** conversations.history: default and largest page (Slack: "maximum of 999"). */
const HISTORY_LIMIT = { default: 100, max: 999 };
/** conversations.list: default and largest page. */
const LIST_LIMIT = { default: 100, max: 1000 };

export interface ParsedWebApiBody {
  body: Record<string, unknown> | null;
  /** Slack error code when the body could not be understood. */
  error?: string;
}

export type WebApiMessageFields = Pick<
  SlackMessage,
  'channel' | 'ts' | 'text' | 'blocks' | 'attachments' | 'metadata' | 'body'
>;

export interface WebApiOutcome {
  reply: Reply;
  delivered?: WebApiMessageFields;
}

export interface WebApiRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  parsed: ParsedWebApiBody;
}

export function parseWebApiBody(mediaType: string, raw: string): ParsedWebApiBody {
  if (raw.length === 0) return { body: {} };
  if (mediaType === 'application/json') {
    const parsed = tryParseJson(raw);
    return isPlainObject(parsed) ? { body: parsed } : { body: null, error: 'invalid_json' };
  }
  if (mediaType === 'application/x-www-form-urlencoded') return parseForm(raw);
  return { body: null, error: 'invalid_form_data' };
}

function parseForm(raw: string): ParsedWebApiBody {
  const body: Record<string, unknown> = Object.fromEntries(new URLSearchParams(raw));
  for (const [field, errorCode] of Object.entries(JSON_FORM_FIELDS)) {
    if (typeof body[field] !== 'string') continue;
    const decoded = tryParseJson(body[field]);
    if (decoded === undefined) return { body, error: errorCode };
    body[field] = decoded;
  }
  return { body };
}

/** Web API failures: only 429 and 5xx use HTTP status; everything else is `200 {ok:false}` (external-apis.md 3.2). */
export function webApiFailureReply(mode: ErrorReplyMode): Reply {
  switch (mode.kind) {
    case 'rate_limit':
      return jsonReply(
        429,
        { ok: false, error: 'ratelimited' },
        { 'Retry-After': String(mode.retryAfterSeconds) },
      );
    case 'server_error':
      return jsonReply(mode.status ?? 500, { ok: false, error: mode.body ?? 'internal_error' });
    case 'client_error':
      return jsonReply(200, { ok: false, error: mode.body });
  }
}

const METHODS = new Set(['chat.postMessage', 'auth.test', 'conversations.history', 'conversations.list']);

export function handleWebApi(
  request: WebApiRequest,
  config: FakeSlackConfig,
  clock: TsClock,
  workspace: FakeWorkspace,
): WebApiOutcome {
  const apiMethod = request.path.slice('/api/'.length);
  if (!METHODS.has(apiMethod)) {
    return { reply: jsonReply(404, { ok: false, error: 'unknown_method' }) };
  }
  if (request.method !== 'POST') return platformError('invalid_request');

  const authError = checkAuth(request.authorization, config);
  if (authError) return platformError(authError);
  if (request.parsed.error || request.parsed.body === null) {
    return platformError(request.parsed.error ?? 'invalid_arguments');
  }

  const body = request.parsed.body;
  switch (apiMethod) {
    case 'auth.test':
      return { reply: jsonReply(200, { ok: true, ...FAKE_SLACK_IDENTITY }) };
    case 'conversations.history':
      return conversationsHistory(body, config, workspace);
    case 'conversations.list':
      return conversationsList(body, config, workspace);
    default:
      return postMessage(body, config, clock, workspace);
  }
}

function postMessage(
  body: Record<string, unknown>,
  config: FakeSlackConfig,
  clock: TsClock,
  workspace: FakeWorkspace,
): WebApiOutcome {
  const channelArg = body.channel;
  if (typeof channelArg !== 'string' || channelArg.length === 0 || !isKnownChannel(channelArg, config)) {
    return platformError('channel_not_found');
  }
  if (body.blocks !== undefined && !Array.isArray(body.blocks)) return platformError('invalid_blocks');
  if (body.attachments !== undefined && !Array.isArray(body.attachments))
    return platformError('invalid_arguments');
  if (!hasContent(body.text) && !hasContent(body.blocks) && !hasContent(body.attachments)) {
    return platformError('no_text');
  }
  const metadata = metadataArg(body.metadata);
  if (metadata === 'invalid') return platformError('invalid_metadata_format');

  const ts = clock.next();
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = body.blocks as unknown[] | undefined;
  const attachments = body.attachments as unknown[] | undefined;
  const message: StoredMessage = {
    type: 'message',
    text,
    user: FAKE_SLACK_IDENTITY.user_id,
    bot_id: FAKE_SLACK_IDENTITY.bot_id,
    ts,
    ...(blocks ? { blocks } : {}),
    ...(attachments ? { attachments } : {}),
    ...(typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {}),
    ...(metadata ? { metadata } : {}),
  };
  const channel = workspace.post(channelArg, message);
  return {
    reply: jsonReply(200, { ok: true, channel, ts, message }),
    delivered: { channel, ts, text, blocks, attachments, metadata, body },
  };
}

/**
 * `metadata` is `{event_type, event_payload}`: an object in a JSON body, a JSON string in a form (as
 * @slack/web-api sends it). Absent → undefined; anything else malformed → 'invalid'.
 */
function metadataArg(value: unknown): SlackMessageMetadata | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  const parsed = typeof value === 'string' ? tryParseJson(value) : value;
  if (!isPlainObject(parsed)) return 'invalid';
  const { event_type: eventType, event_payload: eventPayload } = parsed;
  if (typeof eventType !== 'string' || eventType.length === 0 || !isPlainObject(eventPayload))
    return 'invalid';
  return { event_type: eventType, event_payload: eventPayload };
}

/**
 * conversations.history: the channel must be a conversation ID (a name is `channel_not_found`), newest first,
 * `oldest`/`latest` exclusive unless `inclusive`, cursor pagination, and message metadata only with
 * `include_all_metadata`.
 */
function conversationsHistory(
  body: Record<string, unknown>,
  config: FakeSlackConfig,
  workspace: FakeWorkspace,
): WebApiOutcome {
  const channel = body.channel;
  if (typeof channel !== 'string' || !isChannelId(channel) || !isKnownChannel(channel, config)) {
    return platformError('channel_not_found');
  }
  const oldest = tsArg(body.oldest);
  if (oldest === 'invalid') return platformError('invalid_ts_oldest');
  const latest = tsArg(body.latest);
  if (latest === 'invalid') return platformError('invalid_ts_latest');
  const limit = limitArg(body.limit, HISTORY_LIMIT);
  if (limit === 'invalid') return platformError('invalid_limit');
  const cursor = cursorArg(body.cursor, 'next_ts:');
  if (cursor === 'invalid' || (cursor !== undefined && tsArg(cursor) === 'invalid')) {
    return platformError('invalid_cursor');
  }

  const page = workspace.read(channel, {
    oldest,
    latest,
    inclusive: boolArg(body.inclusive),
    limit,
    before: cursor,
    includeAllMetadata: boolArg(body.include_all_metadata),
  });
  return {
    reply: jsonReply(200, {
      ok: true,
      messages: page.messages,
      has_more: page.hasMore,
      pin_count: 0,
      ...(page.nextBefore
        ? { response_metadata: { next_cursor: encodeCursor(`next_ts:${page.nextBefore}`) } }
        : {}),
    }),
  };
}

/** conversations.list: the public channels the fake knows by name (it has no private channels, DMs or archive). */
function conversationsList(
  body: Record<string, unknown>,
  config: FakeSlackConfig,
  workspace: FakeWorkspace,
): WebApiOutcome {
  const limit = limitArg(body.limit, LIST_LIMIT);
  if (limit === 'invalid') return platformError('invalid_limit');
  const cursor = cursorArg(body.cursor, 'offset:');
  if (cursor === 'invalid' || (cursor !== undefined && !/^\d+$/.test(cursor)))
    return platformError('invalid_cursor');
  const types =
    typeof body.types === 'string' && body.types.length > 0 ? body.types.split(',') : ['public_channel'];

  const all = types.map((t) => t.trim()).includes('public_channel')
    ? workspace.channels(config.knownChannels)
    : [];
  const offset = cursor === undefined ? 0 : Number(cursor);
  const page = all.slice(offset, offset + limit);
  const next = offset + page.length < all.length ? encodeCursor(`offset:${offset + page.length}`) : '';
  return {
    reply: jsonReply(200, {
      ok: true,
      channels: page.map(({ id, name }) => ({
        id,
        name,
        name_normalized: name,
        is_channel: true,
        is_group: false,
        is_im: false,
        is_mpim: false,
        is_private: false,
        is_archived: false,
        is_general: name === 'general',
        is_member: true,
      })),
      response_metadata: { next_cursor: next },
    }),
  };
}

/** Form fields arrive as strings (`'true'`, `'1'`), JSON bodies as booleans. */
function boolArg(value: unknown): boolean {
  return value === true || value === 1 || value === 'true' || value === '1';
}

function limitArg(value: unknown, bounds: { default: number; max: number }): number | 'invalid' {
  if (value === undefined || value === '') return bounds.default;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) return 'invalid';
  return Math.min(n, bounds.max);
}

/** A message timestamp such as `1512085950.000216`. */
function tsArg(value: unknown): string | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  const text = String(value);
  return /^\d+(\.\d+)?$/.test(text) ? text : 'invalid';
}

/** Slack's cursors are opaque base64 strings; the fake's decode to `<prefix><position>`. */
function cursorArg(value: unknown, prefix: string): string | undefined | 'invalid' {
  if (value === undefined || value === '') return undefined;
  const decoded = Buffer.from(String(value), 'base64').toString('utf8');
  return decoded.startsWith(prefix) ? decoded.slice(prefix.length) : 'invalid';
}

function encodeCursor(position: string): string {
  return Buffer.from(position, 'utf8').toString('base64');
}

/** Returns the Slack error code for a bad `Authorization` header, or undefined when the token is accepted. */
function checkAuth(authorization: string | undefined, config: FakeSlackConfig): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return 'not_authed';
  const token = match[1];
  const valid = config.validTokens ? config.validTokens.includes(token) : token.startsWith('xoxb-');
  return valid ? undefined : 'invalid_auth';
}

function isKnownChannel(channel: string, config: FakeSlackConfig): boolean {
  if (!config.knownChannels) return true;
  const id = channelIdFor(channel);
  return config.knownChannels.some((known) => channelIdFor(known) === id);
}

function platformError(error: string): WebApiOutcome {
  return { reply: jsonReply(200, { ok: false, error }) };
}

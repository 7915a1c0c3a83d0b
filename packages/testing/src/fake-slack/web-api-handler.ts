import type { FailureMode, FakeSlackConfig, SlackMessage } from './fake-slack.types';
import { type Reply, jsonReply } from './reply';
import { hasContent, isPlainObject, tryParseJson } from './request-body';
import { type TsClock, channelIdFor } from './slack-ids';

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
const JSON_FORM_FIELDS: Record<string, string> = { blocks: 'invalid_blocks', attachments: 'invalid_arguments' };

export interface ParsedWebApiBody {
  body: Record<string, unknown> | null;
  /** Slack error code when the body could not be understood. */
  error?: string;
}

export type WebApiMessageFields = Pick<SlackMessage, 'channel' | 'ts' | 'text' | 'blocks' | 'attachments' | 'body'>;

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
export function webApiFailureReply(mode: FailureMode): Reply {
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

export function handleWebApi(request: WebApiRequest, config: FakeSlackConfig, clock: TsClock): WebApiOutcome {
  const apiMethod = request.path.slice('/api/'.length);
  if (apiMethod !== 'chat.postMessage' && apiMethod !== 'auth.test') {
    return { reply: jsonReply(404, { ok: false, error: 'unknown_method' }) };
  }
  if (request.method !== 'POST') return platformError('invalid_request');

  const authError = checkAuth(request.authorization, config);
  if (authError) return platformError(authError);
  if (request.parsed.error || request.parsed.body === null) {
    return platformError(request.parsed.error ?? 'invalid_arguments');
  }

  if (apiMethod === 'auth.test') return { reply: jsonReply(200, { ok: true, ...FAKE_SLACK_IDENTITY }) };
  return postMessage(request.parsed.body, config, clock);
}

function postMessage(body: Record<string, unknown>, config: FakeSlackConfig, clock: TsClock): WebApiOutcome {
  const channelArg = body.channel;
  if (typeof channelArg !== 'string' || channelArg.length === 0 || !isKnownChannel(channelArg, config)) {
    return platformError('channel_not_found');
  }
  if (body.blocks !== undefined && !Array.isArray(body.blocks)) return platformError('invalid_blocks');
  if (body.attachments !== undefined && !Array.isArray(body.attachments)) return platformError('invalid_arguments');
  if (!hasContent(body.text) && !hasContent(body.blocks) && !hasContent(body.attachments)) {
    return platformError('no_text');
  }

  const channel = channelIdFor(channelArg);
  const ts = clock.next();
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = body.blocks as unknown[] | undefined;
  const attachments = body.attachments as unknown[] | undefined;
  const message = {
    type: 'message',
    text,
    user: FAKE_SLACK_IDENTITY.user_id,
    bot_id: FAKE_SLACK_IDENTITY.bot_id,
    ts,
    ...(blocks ? { blocks } : {}),
    ...(attachments ? { attachments } : {}),
    ...(typeof body.thread_ts === 'string' ? { thread_ts: body.thread_ts } : {}),
  };
  return {
    reply: jsonReply(200, { ok: true, channel, ts, message }),
    delivered: { channel, ts, text, blocks, attachments, body },
  };
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

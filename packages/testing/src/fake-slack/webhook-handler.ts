import type { ErrorReplyMode, SlackMessage } from './fake-slack.types';
import { type Reply, textReply } from './reply';
import { hasContent, isPlainObject, tryParseJson } from './request-body';

/** Incoming-webhook URLs look like `/services/T…/B…/<secret>`. */
const WEBHOOK_PATH = /^\/services\/[^/]+\/[^/]+\/[^/]+$/;

export type WebhookMessageFields = Pick<SlackMessage, 'text' | 'blocks' | 'attachments' | 'body'>;

export interface WebhookOutcome {
  reply: Reply;
  delivered?: WebhookMessageFields;
}

/** Webhooks only take JSON; anything else is recorded as unparseable (null). */
export function parseWebhookBody(mediaType: string, raw: string): Record<string, unknown> | null {
  if (mediaType !== 'application/json') return null;
  const parsed = tryParseJson(raw);
  return isPlainObject(parsed) ? parsed : null;
}

/** Webhook failures are always plain-text bodies (external-apis.md 3.1). */
export function webhookFailureReply(mode: ErrorReplyMode): Reply {
  switch (mode.kind) {
    case 'rate_limit':
      return textReply(429, 'rate_limited', { 'Retry-After': String(mode.retryAfterSeconds) });
    case 'server_error':
      return textReply(mode.status ?? 500, mode.body ?? 'rollup_error');
    case 'client_error':
      return textReply(mode.status, mode.body);
  }
}

export function handleWebhook(
  method: string,
  path: string,
  body: Record<string, unknown> | null,
): WebhookOutcome {
  // A URL that is not a webhook is what a revoked/unknown webhook looks like to the sender.
  if (!WEBHOOK_PATH.test(path)) return { reply: textReply(404, 'no_service') };
  if (method !== 'POST') return { reply: textReply(405, 'invalid_method') };
  if (body === null) return { reply: textReply(400, 'invalid_payload') };
  if (!hasContent(body.text) && !hasContent(body.blocks) && !hasContent(body.attachments)) {
    return { reply: textReply(400, 'missing_text_or_fallback_or_attachments') };
  }
  return {
    reply: textReply(200, 'ok'),
    delivered: {
      text: typeof body.text === 'string' ? body.text : undefined,
      blocks: Array.isArray(body.blocks) ? body.blocks : undefined,
      attachments: Array.isArray(body.attachments) ? body.attachments : undefined,
      body,
    },
  };
}

import { SlackDeliveryError } from './slack-client';

/**
 * Socket errors raised while connecting, before any byte of the request left: Slack cannot have seen it.
 * Every other request failure (a timeout, a connection reset mid-request) may have reached Slack.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** A request that got no HTTP answer (network error or our timeout): transient, and maybe seen by Slack. */
export function requestFailure(
  original: Error,
  surface: 'Slack webhook' | 'Slack Web API',
): SlackDeliveryError {
  const timedOut = original.name === 'TimeoutError' || original.name === 'AbortError';
  const code = socketCode(original);
  return new SlackDeliveryError(
    'transient',
    null,
    null,
    timedOut ? `${surface} did not answer in time` : `${surface} request failed: ${safeReason(original)}`,
    null,
    code && NOT_SENT_CODES.has(code) ? 'not_posted' : 'unknown',
  );
}

/** The error's own words without anything that could carry the webhook URL (its path is a secret). */
export function safeReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const code = error instanceof Error ? socketCode(error) : undefined;
  const full = code ? `${text} (${code})` : text;
  return full.replace(/https?:\/\/\S+/g, '[url]').slice(0, 300);
}

/** fetch reports "fetch failed" and keeps the socket error (ECONNREFUSED, ...) in `cause`. */
function socketCode(error: Error): string | undefined {
  const cause = error.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}

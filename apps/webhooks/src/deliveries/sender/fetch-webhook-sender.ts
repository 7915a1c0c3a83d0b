import { Injectable } from '@nestjs/common';
import { WebhookSender, type WebhookRequest, type WebhookResponseOutcome } from './webhook-sender';

/** api.md §16: `response_body_excerpt` holds at most 1 KB. */
export const RESPONSE_EXCERPT_BYTES = 1024;

/** `Retry-After` as delta seconds or an HTTP date, in ms from now; null when absent or unreadable. */
export function retryAfterMsOf(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** Reads at most `limit` bytes of the answer, then stops reading (a huge body is not downloaded). */
async function excerptOf(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      size += value.length;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  // Cutting inside a multi-byte character leaves a replacement character, never more than the limit.
  return Buffer.concat(chunks)
    .subarray(0, limit)
    .toString('utf8')
    .replace(/\uFFFD+$/, '');
}

/**
 * POSTs with Node's fetch: redirects are not followed (a 3xx is a failed attempt), the whole exchange (headers
 * and excerpt) is bounded by `timeoutMs`, and no retry happens here (the delivery schedule retries).
 */
@Injectable()
export class FetchWebhookSender extends WebhookSender {
  async send(request: WebhookRequest, timeoutMs: number): Promise<WebhookResponseOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      const bodyExcerpt = await excerptOf(response, RESPONSE_EXCERPT_BYTES);
      const throttled = response.status === 429 || response.status === 503;
      return {
        status: response.status,
        bodyExcerpt,
        retryAfterMs: throttled ? retryAfterMsOf(response.headers.get('retry-after')) : null,
        durationMs: elapsed(),
        error: null,
      };
    } catch (error) {
      const name = (error as Error).name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      return {
        status: null,
        bodyExcerpt: null,
        retryAfterMs: null,
        durationMs: elapsed(),
        error: timedOut ? `no answer within ${timeoutMs} ms` : describeNetworkError(error),
      };
    }
  }
}

/** fetch reports network failures as `TypeError: fetch failed` with the reason in `cause`. */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `request failed: ${cause?.code ?? cause?.message ?? (error as Error).message}`.slice(0, 500);
}

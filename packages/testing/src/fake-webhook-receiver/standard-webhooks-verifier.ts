import { createHmac, timingSafeEqual } from 'node:crypto';

/** The reference library's tolerance: a timestamp more than 5 min in the past or future is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
const SECRET_PREFIX = 'whsec_';

export type WebhookVerificationFailure =
  | 'missing_headers'
  | 'invalid_timestamp'
  | 'timestamp_too_old'
  | 'timestamp_too_new'
  | 'no_matching_signature';

export type WebhookVerification =
  | { valid: true; webhookId: string; timestamp: number }
  | { valid: false; reason: WebhookVerificationFailure };

/** Header lookup that ignores case, over Node's lower-cased headers or a plain record. */
function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Standard Webhooks v1 verification (spec 1.0.0, external-apis.md §4.2), written from the spec and independent
 * of the service's signer: the signed content is `<webhook-id>.<webhook-timestamp>.<raw body>`, HMAC-SHA256 keyed
 * with the base64-decoded secret (after `whsec_`), compared in constant time against every `v1,<base64>` entry of
 * the space-separated `webhook-signature` header.
 */
export function verifyStandardWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  rawBody: string,
  nowSeconds = Math.floor(Date.now() / 1000),
): WebhookVerification {
  const id = header(headers, 'webhook-id');
  const timestampText = header(headers, 'webhook-timestamp');
  const signatureHeader = header(headers, 'webhook-signature');
  if (!id || !timestampText || !signatureHeader) return { valid: false, reason: 'missing_headers' };

  if (!/^\d+$/.test(timestampText)) return { valid: false, reason: 'invalid_timestamp' };
  const timestamp = Number(timestampText);
  if (nowSeconds - timestamp > WEBHOOK_TOLERANCE_SECONDS)
    return { valid: false, reason: 'timestamp_too_old' };
  if (timestamp - nowSeconds > WEBHOOK_TOLERANCE_SECONDS)
    return { valid: false, reason: 'timestamp_too_new' };

  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  const expected = createHmac('sha256', key).update(`${id}.${timestampText}.${rawBody}`).digest();

  const matches = signatureHeader.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches
    ? { valid: true, webhookId: id, timestamp }
    : { valid: false, reason: 'no_matching_signature' };
}

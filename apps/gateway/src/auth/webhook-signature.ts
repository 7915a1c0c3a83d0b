import { createHmac, timingSafeEqual } from 'node:crypto';

/** api.md §4.2: `details.reason` of a 401 INVALID_SIGNATURE. */
export type SignatureFailureReason =
  'missing_signature' | 'bad_format' | 'timestamp_out_of_range' | 'mismatch';

export type SignatureScheme = 'standard_webhooks' | 'legacy';

/** Both schemes accept timestamps within ±300 s of the gateway's clock (api.md §4.2, Standard Webhooks). */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** The signature headers of one request, parsed but not yet verified. */
export interface SignedRequestHeaders {
  scheme: SignatureScheme;
  /** Unix seconds, as sent. */
  timestamp: number;
  /** The raw `X-Webhook-Timestamp` / `webhook-timestamp` text: it is signed as sent. */
  timestampText: string;
  /** Standard Webhooks only: `webhook-id`, the dedupe key when the body has no `event_id`. */
  webhookId?: string;
  /** The HMAC-SHA256 digests the request claims (32 bytes each); any one of them may match. */
  signatures: Buffer[];
}

export class SignatureError extends Error {
  constructor(
    readonly reason: SignatureFailureReason,
    message: string,
  ) {
    super(message);
    this.name = 'SignatureError';
  }
}

type HeaderBag = Record<string, string | string[] | undefined>;

const TIMESTAMP_PATTERN = /^\d{1,12}$/;
/** The same alphabet as an Idempotency-Key (api.md §1.5); it becomes the dedupe key the same way. */
const WEBHOOK_ID_PATTERN = /^[\x21-\x7e]{1,255}$/;
const LEGACY_SIGNATURE_PATTERN = /^sha256=([0-9a-fA-F]{64})$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;
const DIGEST_BYTES = 32;

/**
 * Reads the signature headers. Standard Webhooks (`webhook-*`) is preferred when any of its headers is present;
 * otherwise the legacy `X-Webhook-*` pair. Throws a SignatureError naming what is wrong.
 */
export function parseSignatureHeaders(headers: HeaderBag): SignedRequestHeaders {
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const id = header('webhook-id');
  const standardTimestamp = header('webhook-timestamp');
  const standardSignature = header('webhook-signature');
  if (id !== undefined || standardTimestamp !== undefined || standardSignature !== undefined) {
    if (standardSignature === undefined) throw missing('webhook-signature');
    if (id === undefined || !WEBHOOK_ID_PATTERN.test(id)) {
      throw badFormat('webhook-id must be 1-255 printable ASCII characters');
    }
    return {
      scheme: 'standard_webhooks',
      webhookId: id,
      ...timestampOf(standardTimestamp, 'webhook-timestamp'),
      signatures: standardSignaturesOf(standardSignature),
    };
  }

  const legacySignature = header('x-webhook-signature');
  if (legacySignature === undefined) throw missing('webhook-signature or X-Webhook-Signature');
  const hex = LEGACY_SIGNATURE_PATTERN.exec(legacySignature.trim())?.[1];
  if (!hex) throw badFormat('X-Webhook-Signature must be sha256=<64 hex digits>');
  return {
    scheme: 'legacy',
    ...timestampOf(header('x-webhook-timestamp'), 'X-Webhook-Timestamp'),
    signatures: [Buffer.from(hex, 'hex')],
  };
}

/**
 * Verifies parsed headers against the raw body with each candidate secret, in constant time per comparison.
 * Returns the index of the secret that matched; throws `timestamp_out_of_range` or `mismatch`.
 */
export function verifySignature(
  signed: SignedRequestHeaders,
  rawBody: Buffer,
  secrets: readonly string[],
  nowSeconds = Math.floor(Date.now() / 1000),
): number {
  if (Math.abs(nowSeconds - signed.timestamp) > SIGNATURE_TOLERANCE_SECONDS) {
    throw new SignatureError(
      'timestamp_out_of_range',
      `The signature timestamp must lie within ±${SIGNATURE_TOLERANCE_SECONDS} s of the server time`,
    );
  }
  for (let index = 0; index < secrets.length; index++) {
    const expected = signatureDigest(signed, rawBody, secrets[index]);
    // Every claimed signature is compared, so the time taken does not tell which one came close.
    let matched = false;
    for (const claimed of signed.signatures) matched = timingSafeEqual(claimed, expected) || matched;
    if (matched) return index;
  }
  throw new SignatureError('mismatch', 'The signature does not match the request body');
}

/**
 * HMAC-SHA256 of what the scheme signs. Standard Webhooks: `<id>.<ts>.<body>` keyed with the base64-decoded
 * `whsec_` secret. Legacy: `<ts>.<body>` keyed with the secret text as shown (the original's WEBHOOK_SECRET use).
 */
export function signatureDigest(signed: SignedRequestHeaders, rawBody: Buffer, secret: string): Buffer {
  const hmac =
    signed.scheme === 'standard_webhooks'
      ? createHmac('sha256', standardWebhooksKey(secret)).update(
          `${signed.webhookId}.${signed.timestampText}.`,
        )
      : createHmac('sha256', secret).update(`${signed.timestampText}.`);
  return hmac.update(rawBody).digest();
}

/** The Standard Webhooks HMAC key: the bytes behind `whsec_`; a secret in another form is used as its text. */
export function standardWebhooksKey(secret: string): Buffer {
  return secret.startsWith('whsec_') ? Buffer.from(secret.slice(6), 'base64') : Buffer.from(secret, 'utf8');
}

function timestampOf(value: string | undefined, name: string): { timestamp: number; timestampText: string } {
  if (value === undefined) throw badFormat(`${name} is required`);
  if (!TIMESTAMP_PATTERN.test(value)) throw badFormat(`${name} must be Unix seconds`);
  return { timestamp: Number(value), timestampText: value };
}

/** `v1,<base64>` entries, space-separated; other versions (`v1a` = ed25519) are not ours to check. */
function standardSignaturesOf(value: string): Buffer[] {
  const signatures: Buffer[] = [];
  for (const entry of value.split(' ')) {
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    if (!BASE64_PATTERN.test(encoded)) continue;
    const digest = Buffer.from(encoded, 'base64');
    if (digest.length === DIGEST_BYTES) signatures.push(digest);
  }
  if (!signatures.length) throw badFormat('webhook-signature must hold at least one v1,<base64 HMAC-SHA256>');
  return signatures;
}

function missing(header: string): SignatureError {
  return new SignatureError('missing_signature', `Signed ingest needs the ${header} header`);
}

function badFormat(message: string): SignatureError {
  return new SignatureError('bad_format', message);
}

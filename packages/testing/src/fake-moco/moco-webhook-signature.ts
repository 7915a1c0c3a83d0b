import { createHmac } from 'node:crypto';

/** `X-Moco-Signature`: hex HMAC-SHA256 over the raw body only, keyed with the hook's key (external-apis.md 1.6). */
export function signMocoWebhook(key: string, rawBody: string | Buffer): string {
  return createHmac('sha256', key).update(rawBody).digest('hex');
}

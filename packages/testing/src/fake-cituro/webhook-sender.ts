import { createHmac } from 'node:crypto';
import type { CituroWebhookDelivery, CituroWebhookResponse } from './fake-cituro.types';

/** Lowercase hex HMAC-SHA256 keyed with the full secret (`whs_` included) over "<t as sent>.<raw body>". */
export function cituroSignature(secret: string, t: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${t}.`, 'utf8'), Buffer.from(rawBody)]))
    .digest('hex');
}

/** POSTs a webhook with `X-CITURO-SIGNATURE: t=<ms>,s=<hex>` as Cituro sends it (external-apis.md §2.4). */
export async function sendCituroWebhook(delivery: CituroWebhookDelivery): Promise<CituroWebhookResponse> {
  const raw = typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body);
  const t = String(delivery.t ?? Date.now());
  const signatures = [...(delivery.extraSignatures ?? []), cituroSignature(delivery.secret, t, raw)];
  const separator = delivery.separator ?? ',';
  const header = delivery.header ?? [`t=${t}`, ...signatures.map((s) => `s=${s}`)].join(separator);
  const response = await fetch(delivery.url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CITURO-SIGNATURE': header },
    body: raw,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: kept as text
  }
  return { status: response.status, body, headers: response.headers };
}

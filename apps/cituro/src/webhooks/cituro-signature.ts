import { createHmac, timingSafeEqual } from 'node:crypto';

/** api.md §15.4: |now_ms − t| ≤ 300 000. */
export const SIGNATURE_TOLERANCE_MS = 300_000;

/**
 * Checks `X-CITURO-SIGNATURE: t=<ms>,s=<hex>[,s=<hex>…]` exactly as api.md §15.4 says: whitespace tolerated;
 * `t` in Unix milliseconds, or seconds when it has at most 10 digits; any `s` may match; each `s` is the hex
 * HMAC-SHA256, keyed with the full secret (`whs_` included), of "<t as sent>.<raw body bytes>".
 */
export function isValidCituroSignature(
  header: string | null | undefined,
  rawBody: Buffer,
  secret: string,
  nowMs: number,
): boolean {
  const parsed = parseHeader(header);
  if (!parsed) return false;
  const tMs = parsed.t.length <= 10 ? Number(parsed.t) * 1000 : Number(parsed.t);
  if (!Number.isSafeInteger(tMs) || Math.abs(nowMs - tMs) > SIGNATURE_TOLERANCE_MS) return false;
  const expected = createHmac('sha256', secret)
    .update(Buffer.concat([Buffer.from(`${parsed.t}.`, 'utf8'), rawBody]))
    .digest();
  return parsed.signatures.some((s) => {
    if (!/^[0-9a-f]{64}$/i.test(s)) return false;
    return timingSafeEqual(Buffer.from(s, 'hex'), expected);
  });
}

function parseHeader(header: string | null | undefined): { t: string; signatures: string[] } | null {
  if (!header) return null;
  let t: string | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const match = /^\s*([ts])\s*=\s*(\S*)\s*$/.exec(part);
    if (!match) {
      if (part.trim() === '') continue;
      return null;
    }
    const [, key, value] = match;
    if (key === 't') {
      // One timestamp only: a second would leave it open which one was signed.
      if (t !== null || !/^\d{1,16}$/.test(value)) return null;
      t = value;
    } else {
      signatures.push(value);
    }
  }
  return t !== null && signatures.length ? { t, signatures } : null;
}

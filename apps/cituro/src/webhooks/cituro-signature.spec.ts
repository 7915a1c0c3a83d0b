import { createHmac } from 'node:crypto';
import { isValidCituroSignature } from './cituro-signature';

const SECRET = 'whs_3f9a0c1d2e4b5a6978';
const BODY = Buffer.from('{"eventId":"e1","type":"booking.created"}');
const NOW = 1_780_000_000_000;
const sign = (t: string, body = BODY, secret = SECRET) =>
  createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex');

describe('isValidCituroSignature (api.md §15.4)', () => {
  it('accepts t in milliseconds signed over "<t>.<raw body>" with the full whs_ secret', () => {
    const t = String(NOW);
    expect(isValidCituroSignature(`t=${t},s=${sign(t)}`, BODY, SECRET, NOW)).toBe(true);
  });

  it('reads a t of at most 10 digits as seconds, signing the digits as sent', () => {
    const t = String(NOW / 1000);
    expect(isValidCituroSignature(`t=${t},s=${sign(t)}`, BODY, SECRET, NOW + 1000)).toBe(true);
  });

  it('tolerates whitespace and accepts any of several s= values', () => {
    const t = String(NOW);
    expect(
      isValidCituroSignature(` t = ${t} , s=${'0'.repeat(64)},  s = ${sign(t)} `, BODY, SECRET, NOW),
    ).toBe(true);
  });

  it('refuses a timestamp more than 300 000 ms away, and accepts one exactly at the bound', () => {
    const stale = String(NOW - 300_001);
    expect(isValidCituroSignature(`t=${stale},s=${sign(stale)}`, BODY, SECRET, NOW)).toBe(false);
    const edge = String(NOW - 300_000);
    expect(isValidCituroSignature(`t=${edge},s=${sign(edge)}`, BODY, SECRET, NOW)).toBe(true);
    const future = String(NOW + 300_001);
    expect(isValidCituroSignature(`t=${future},s=${sign(future)}`, BODY, SECRET, NOW)).toBe(false);
  });

  it('refuses a wrong secret, the secret without its whs_ prefix, and a tampered body', () => {
    const t = String(NOW);
    expect(isValidCituroSignature(`t=${t},s=${sign(t, BODY, 'whs_other')}`, BODY, SECRET, NOW)).toBe(false);
    expect(isValidCituroSignature(`t=${t},s=${sign(t, BODY, SECRET.slice(4))}`, BODY, SECRET, NOW)).toBe(
      false,
    );
    expect(isValidCituroSignature(`t=${t},s=${sign(t)}`, Buffer.from(`${BODY} `), SECRET, NOW)).toBe(false);
  });

  it('refuses a missing or malformed header', () => {
    const t = String(NOW);
    for (const header of [
      null,
      '',
      `s=${sign(t)}`,
      `t=${t}`,
      `t=${t},t=${t},s=${sign(t)}`,
      `t=abc,s=${sign(t)}`,
      `x=1,t=${t},s=${sign(t)}`,
    ]) {
      expect(isValidCituroSignature(header, BODY, SECRET, NOW)).toBe(false);
    }
  });
});

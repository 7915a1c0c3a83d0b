import { createHmac } from 'node:crypto';
import {
  parseSignatureHeaders,
  SignatureError,
  verifySignature,
  type SignatureFailureReason,
} from './webhook-signature';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const OTHER_SECRET = 'whsec_c2Vjb25kLXNlY3JldC1mb3ItdGhlLXNhbWUtc291cmNl';

/** The reference algorithm, written out: HMAC-SHA256 over `${id}.${ts}.${body}` keyed with the decoded secret. */
function standardSignature(secret: string, id: string, timestamp: number, body: string | Buffer): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const hmac = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body);
  return `v1,${hmac.digest('base64')}`;
}

/** The legacy scheme: `sha256=` + hex HMAC-SHA256 over `${ts}.${body}` keyed with the secret text. */
function legacySignature(secret: string, timestamp: number, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

function standardHeaders(signature: string, id = VECTOR.id, timestamp = VECTOR.timestamp) {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

function verify(
  headers: Record<string, string>,
  body: string | Buffer,
  secrets: string[],
  now = VECTOR.timestamp,
): number {
  return verifySignature(parseSignatureHeaders(headers), Buffer.from(body), secrets, now);
}

function failureOf(run: () => unknown): SignatureFailureReason | 'none' {
  try {
    run();
    return 'none';
  } catch (error) {
    if (error instanceof SignatureError) return error.reason;
    throw error;
  }
}

describe('Standard Webhooks scheme', () => {
  it('accepts the specification test vector, and the reference algorithm reproduces it', () => {
    expect(standardSignature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.body)).toBe(VECTOR.signature);
    expect(verify(standardHeaders(VECTOR.signature), VECTOR.body, [VECTOR.secret])).toBe(0);
    expect(parseSignatureHeaders(standardHeaders(VECTOR.signature))).toMatchObject({
      scheme: 'standard_webhooks',
      webhookId: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it('accepts any of several space-separated signatures and names the secret that matched', () => {
    const other = standardSignature(OTHER_SECRET, VECTOR.id, VECTOR.timestamp, VECTOR.body);
    const header = `v1a,bm90LWNoZWNrZWQ= ${other} ${VECTOR.signature}`;
    expect(verify(standardHeaders(header), VECTOR.body, [VECTOR.secret])).toBe(0);
    expect(
      verify(standardHeaders(header), VECTOR.body, ['whsec_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', OTHER_SECRET]),
    ).toBe(1);
  });

  it('signs the exact bytes: one changed byte, another id or timestamp, or another secret is a mismatch', () => {
    const tampered = Buffer.from(VECTOR.body);
    tampered[tampered.length - 2] ^= 0x01;
    const cases: [Record<string, string>, string | Buffer, string][] = [
      [standardHeaders(VECTOR.signature), tampered, VECTOR.secret],
      [standardHeaders(VECTOR.signature, 'msg_other'), VECTOR.body, VECTOR.secret],
      [standardHeaders(VECTOR.signature, VECTOR.id, VECTOR.timestamp + 1), VECTOR.body, VECTOR.secret],
      [standardHeaders(VECTOR.signature), VECTOR.body, OTHER_SECRET],
      [standardHeaders(VECTOR.signature), `${VECTOR.body} `, VECTOR.secret],
    ];
    for (const [headers, body, secret] of cases) {
      expect(failureOf(() => verify(headers, body, [secret]))).toBe('mismatch');
    }
    expect(failureOf(() => verify(standardHeaders(VECTOR.signature), VECTOR.body, []))).toBe('mismatch');
  });

  it('verifies bodies that are not valid UTF-8 over their bytes', () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const signature = standardSignature(VECTOR.secret, VECTOR.id, VECTOR.timestamp, body);
    expect(verify(standardHeaders(signature), body, [VECTOR.secret])).toBe(0);
  });

  it('accepts timestamps within ±300 s and refuses older or future ones before comparing', () => {
    const headers = standardHeaders(VECTOR.signature);
    expect(verify(headers, VECTOR.body, [VECTOR.secret], VECTOR.timestamp + 300)).toBe(0);
    expect(verify(headers, VECTOR.body, [VECTOR.secret], VECTOR.timestamp - 300)).toBe(0);
    expect(failureOf(() => verify(headers, VECTOR.body, [VECTOR.secret], VECTOR.timestamp + 301))).toBe(
      'timestamp_out_of_range',
    );
    expect(failureOf(() => verify(headers, VECTOR.body, [VECTOR.secret], VECTOR.timestamp - 301))).toBe(
      'timestamp_out_of_range',
    );
  });

  it.each<[string, Record<string, string>, SignatureFailureReason]>([
    [
      'no signature header',
      { 'webhook-id': VECTOR.id, 'webhook-timestamp': '1614265330' },
      'missing_signature',
    ],
    [
      'no webhook-id',
      { 'webhook-timestamp': '1614265330', 'webhook-signature': VECTOR.signature },
      'bad_format',
    ],
    ['no timestamp', { 'webhook-id': VECTOR.id, 'webhook-signature': VECTOR.signature }, 'bad_format'],
    ['a timestamp that is not Unix seconds', standardHeaders(VECTOR.signature, VECTOR.id, NaN), 'bad_format'],
    ['only v1a entries', standardHeaders('v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='), 'bad_format'],
    ['a v1 entry that is not a 32-byte base64 digest', standardHeaders('v1,bm90LWEtZGlnZXN0'), 'bad_format'],
    [
      'a v1 entry without a comma',
      standardHeaders('v1=g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='),
      'bad_format',
    ],
  ])('refuses %s', (_name, headers, reason) => {
    expect(failureOf(() => parseSignatureHeaders(headers))).toBe(reason);
  });
});

describe('legacy X-Webhook-* scheme', () => {
  const secret = 'legacy-shared-secret-0123456789';
  const ts = 1767225600;
  const body = '{"event_type":"page_visited","source":"website"}';

  it('accepts sha256=<hex HMAC-SHA256(secret, "<ts>.<raw body>")> keyed with the secret text', () => {
    const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex');
    const headers = { 'x-webhook-timestamp': String(ts), 'x-webhook-signature': `sha256=${expected}` };
    expect(verify(headers, body, [secret], ts)).toBe(0);
    expect(parseSignatureHeaders(headers).scheme).toBe('legacy');
    // Upper-case hex is the same digest.
    expect(
      verify({ ...headers, 'x-webhook-signature': `sha256=${expected.toUpperCase()}` }, body, [secret], ts),
    ).toBe(0);
  });

  it('keys with a whsec_ secret as shown, not decoded', () => {
    const headers = {
      'x-webhook-timestamp': String(ts),
      'x-webhook-signature': legacySignature(VECTOR.secret, ts, body),
    };
    expect(verify(headers, body, [VECTOR.secret], ts)).toBe(0);
  });

  it('refuses a tampered body, another timestamp, a stale or future timestamp, and malformed headers', () => {
    const signature = legacySignature(secret, ts, body);
    const headers = { 'x-webhook-timestamp': String(ts), 'x-webhook-signature': signature };
    expect(failureOf(() => verify(headers, body.replace('website', 'websitf'), [secret], ts))).toBe(
      'mismatch',
    );
    expect(
      failureOf(() => verify({ ...headers, 'x-webhook-timestamp': String(ts + 1) }, body, [secret], ts)),
    ).toBe('mismatch');
    expect(failureOf(() => verify(headers, body, [secret], ts + 301))).toBe('timestamp_out_of_range');
    expect(failureOf(() => verify(headers, body, [secret], ts - 301))).toBe('timestamp_out_of_range');
    expect(failureOf(() => parseSignatureHeaders({}))).toBe('missing_signature');
    expect(failureOf(() => parseSignatureHeaders({ 'x-webhook-timestamp': String(ts) }))).toBe(
      'missing_signature',
    );
    expect(failureOf(() => parseSignatureHeaders({ 'x-webhook-signature': signature }))).toBe('bad_format');
    expect(
      failureOf(() =>
        parseSignatureHeaders({ ...headers, 'x-webhook-signature': signature.slice('sha256='.length) }),
      ),
    ).toBe('bad_format');
    expect(
      failureOf(() => parseSignatureHeaders({ ...headers, 'x-webhook-timestamp': '2026-01-01T00:00:00Z' })),
    ).toBe('bad_format');
  });

  it('prefers Standard Webhooks when both header families are sent', () => {
    const headers = {
      ...standardHeaders(VECTOR.signature),
      'x-webhook-timestamp': String(ts),
      'x-webhook-signature': legacySignature(secret, ts, body),
    };
    expect(parseSignatureHeaders(headers).scheme).toBe('standard_webhooks');
  });
});

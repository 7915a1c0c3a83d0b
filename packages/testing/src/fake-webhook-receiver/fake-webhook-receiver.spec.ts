import { createHmac, randomBytes } from 'node:crypto';
import { FakeWebhookReceiver } from './fake-webhook-receiver';
import { verifyStandardWebhook } from './standard-webhooks-verifier';

// The example of the Standard Webhooks / Svix documentation (secret, id, timestamp, body, signature).
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const vectorHeaders = (signature = VECTOR.signature) => ({
  'webhook-id': VECTOR.id,
  'webhook-timestamp': String(VECTOR.timestamp),
  'webhook-signature': signature,
});

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;
function sign(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

describe('verifyStandardWebhook', () => {
  it('accepts the reference example', () => {
    expect(verifyStandardWebhook(VECTOR.secret, vectorHeaders(), VECTOR.body, VECTOR.timestamp)).toEqual({
      valid: true,
      webhookId: VECTOR.id,
      timestamp: VECTOR.timestamp,
    });
  });

  it('accepts a header holding several signatures when one matches, in any position', () => {
    const other = sign(newSecret(), VECTOR.id, VECTOR.timestamp, VECTOR.body);
    for (const signature of [`${other} ${VECTOR.signature}`, `${VECTOR.signature} ${other}`]) {
      expect(
        verifyStandardWebhook(VECTOR.secret, vectorHeaders(signature), VECTOR.body, VECTOR.timestamp).valid,
      ).toBe(true);
    }
  });

  it('refuses a changed body, a wrong secret, another version tag, and missing headers', () => {
    const at = VECTOR.timestamp;
    expect(verifyStandardWebhook(VECTOR.secret, vectorHeaders(), '{"test": 1}', at)).toEqual({
      valid: false,
      reason: 'no_matching_signature',
    });
    expect(verifyStandardWebhook(newSecret(), vectorHeaders(), VECTOR.body, at).valid).toBe(false);
    const v1a = VECTOR.signature.replace('v1,', 'v1a,');
    expect(verifyStandardWebhook(VECTOR.secret, vectorHeaders(v1a), VECTOR.body, at).valid).toBe(false);
    expect(verifyStandardWebhook(VECTOR.secret, { 'webhook-id': VECTOR.id }, VECTOR.body, at)).toEqual({
      valid: false,
      reason: 'missing_headers',
    });
  });

  it('refuses timestamps more than 5 minutes old or ahead', () => {
    const check = (now: number) => verifyStandardWebhook(VECTOR.secret, vectorHeaders(), VECTOR.body, now);
    expect(check(VECTOR.timestamp + 300).valid).toBe(true);
    expect(check(VECTOR.timestamp + 301)).toEqual({ valid: false, reason: 'timestamp_too_old' });
    expect(check(VECTOR.timestamp - 301)).toEqual({ valid: false, reason: 'timestamp_too_new' });
  });
});

describe('FakeWebhookReceiver', () => {
  let fake: FakeWebhookReceiver;
  const secret = newSecret();

  beforeAll(async () => {
    fake = await FakeWebhookReceiver.start({ secrets: [secret] });
  });
  afterEach(() => fake.reset());
  afterAll(async () => {
    await fake.close();
  });

  function post(path: string, body: string, signingSecret = secret, id = 'msg_1'): Promise<Response> {
    const timestamp = Math.floor(Date.now() / 1000);
    return fetch(fake.endpoint(path), {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'Content-Type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': sign(signingSecret, id, timestamp, body),
      },
      body,
    });
  }

  it('records headers and the raw body, verifies the signature and answers 200 by default', async () => {
    const body = '{"id":"msg_1","type":"deal.won","data":{}}';
    const res = await post('/hooks', body);
    expect(res.status).toBe(200);
    const [request] = fake.received;
    expect(request).toMatchObject({ method: 'POST', path: '/hooks', rawBody: body, status: 200 });
    expect(request.body).toEqual({ id: 'msg_1', type: 'deal.won', data: {} });
    expect(request.headers['webhook-id']).toBe('msg_1');
    expect(request.verifications).toEqual([
      { valid: true, webhookId: 'msg_1', timestamp: expect.any(Number) },
    ]);
  });

  it('reports a request signed with another secret as not verified', async () => {
    await post('/hooks', '{}', newSecret());
    expect(fake.received[0].verifications).toEqual([{ valid: false, reason: 'no_matching_signature' }]);
  });

  it('answers queued responses one per attempt, per path, then the default', async () => {
    fake.respond(
      [
        { kind: 'status', status: 500 },
        { kind: 'retry_after', status: 429, retryAfterSeconds: 7 },
        { kind: 'retry_after', status: 503, retryAfterSeconds: 3 },
        { kind: 'status', status: 302 },
        { kind: 'status', status: 410 },
      ],
      '/a',
    );
    const statuses: number[] = [];
    const retryAfter: (string | null)[] = [];
    for (let i = 0; i < 6; i++) {
      const res = await post('/a', '{}');
      statuses.push(res.status);
      retryAfter.push(res.headers.get('retry-after'));
    }
    expect(statuses).toEqual([500, 429, 503, 302, 410, 200]);
    expect(retryAfter).toEqual([null, '7', '3', null, null, null]);
    expect((await post('/b', '{}')).status).toBe(200);
    expect(fake.requestsTo('/a')).toHaveLength(6);
  });

  it('answers a slow response only after its delay, so a client with a shorter timeout gives up', async () => {
    fake.respond([{ kind: 'slow', delayMs: 2_000 }]);
    const aborted = await fetch(fake.endpoint('/slow'), {
      method: 'POST',
      body: '{}',
      signal: AbortSignal.timeout(100),
    }).then(
      () => false,
      (error: Error) => error.name === 'TimeoutError',
    );
    expect(aborted).toBe(true);
    expect(fake.requestsTo('/slow')).toHaveLength(1);
  });

  it('waits for requests and verifies every configured secret (rotation)', async () => {
    const old = newSecret();
    fake.setSecrets([old, secret]);
    const waiting = fake.waitForRequests(1, { timeoutMs: 2_000 });
    await post('/hooks', '{}');
    const [request] = await waiting;
    expect(request.verifications.map((v) => v.valid)).toEqual([false, true]);
    fake.setSecrets([secret]);
  });
});

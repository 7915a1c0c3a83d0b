import { newSigningSecret, signatureHeader } from './webhook-signature';

describe('webhook signature (Standard Webhooks v1)', () => {
  it('signs the reference example as the spec does', () => {
    const header = signatureHeader(
      ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      'msg_p5jXN8AQM9LWM0D4loKWxJek',
      1614265330,
      '{"test": 2432232314}',
    );
    expect(header).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('gives one space-separated entry per secret, in order', () => {
    const [a, b] = [newSigningSecret(), newSigningSecret()];
    const both = signatureHeader([a, b], 'id', 1, '{}');
    expect(both.split(' ')).toEqual([
      signatureHeader([a], 'id', 1, '{}'),
      signatureHeader([b], 'id', 1, '{}'),
    ]);
  });

  it('makes secrets of 32 random bytes behind whsec_', () => {
    const secret = newSigningSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secret.slice(6), 'base64')).toHaveLength(32);
    expect(newSigningSecret()).not.toBe(secret);
  });
});

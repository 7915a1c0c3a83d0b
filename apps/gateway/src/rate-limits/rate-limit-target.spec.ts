import type { ApiKeyPrincipal, SignedPrincipal, UserPrincipal } from '../auth/principal';
import { rateLimitTarget, type RateLimitSettings } from './rate-limit-target';

const limits: RateLimitSettings = {
  auth: 10,
  user: 600,
  ingest: 20_000,
  api_key: 600,
  signed: 20_000,
  anonymous: 60,
};
const user: UserPrincipal = { kind: 'user', memberId: 'member-1', email: 'Ada@Example.com', role: 'bdr' };
const key = (ingestRateLimitPerMinute?: number | null): ApiKeyPrincipal => ({
  kind: 'api_key',
  keyId: 'key-1',
  keyName: 'k',
  source: 'website',
  allowedSources: ['website'],
  scopes: ['events:write', 'read'],
  ingestRateLimitPerMinute,
});
const at = (route: string, extra: Partial<Parameters<typeof rateLimitTarget>[0]> = {}) =>
  rateLimitTarget({ route, ip: '10.0.0.1', body: undefined, ...extra }, limits);

describe('rateLimitTarget (api.md §1.5 classes)', () => {
  it('counts sign-in routes per IP and email, whatever the case of the email', () => {
    const login = at('/api/v1/auth/login', { body: { email: 'Ada@Example.com' } });
    expect(login).toMatchObject({ limitClass: 'auth', limit: 10 });
    expect(at('/api/v1/auth/login', { body: { email: 'ada@example.com' } })!.subject).toBe(login!.subject);
    expect(
      at('/api/v1/auth/login', { body: { email: 'ada@example.com' }, ip: '10.0.0.2' })!.subject,
    ).not.toBe(login!.subject);
    expect(at('/api/v1/auth/refresh')!.limitClass).toBe('auth');
    expect(at('/api/v1/auth/2fa/setup', { principal: user })!.limitClass).toBe('auth');
    expect(login!.subject).not.toContain('example');
  });

  it('counts a member by id and an API key by key id; ingest routes use the ingest class', () => {
    expect(at('/api/v1/leads', { principal: user })).toEqual({
      limitClass: 'user',
      subject: 'member-1',
      limit: 600,
    });
    expect(at('/api/v1/events/ingest', { principal: user })!.limitClass).toBe('user');
    expect(at('/api/v1/leads', { principal: key() })).toEqual({
      limitClass: 'api_key',
      subject: 'key-1',
      limit: 600,
    });
    for (const route of ['/api/v1/events/ingest', '/api/v1/events/ingest/batch', '/api/v1/leads/bulk'])
      expect(at(route, { principal: key() })).toEqual({
        limitClass: 'ingest',
        subject: 'key-1',
        limit: 20_000,
      });
  });

  it("applies a key's own ingest limit, and none for an explicit null; other routes keep the key class", () => {
    expect(at('/api/v1/events/ingest', { principal: key(5) })!.limit).toBe(5);
    expect(at('/api/v1/events/ingest', { principal: key(null) })).toBeNull();
    expect(at('/api/v1/leads', { principal: key(null) })!.limit).toBe(600);
  });

  it('counts signed ingest per body source, vendor webhooks per vendor, anything else unauthenticated per IP', () => {
    const signed = at('/api/v1/events/webhook', { body: { source: 'portal' } });
    expect(signed!.limitClass).toBe('signed');
    expect(at('/api/v1/events/webhook', { body: { source: 'lemlist' } })!.subject).not.toBe(signed!.subject);
    expect(at('/api/webhooks/cituro')!.limitClass).toBe('signed');
    expect(at('/api/v1')).toMatchObject({ limitClass: 'anonymous', limit: 60 });
  });

  it('counts a verified signed request per the source its secret was chosen by, whichever secret signed it', () => {
    const signedBy = (secretId: string | null, source: string): SignedPrincipal => ({
      kind: 'signed',
      secretId,
      secretName: 's',
      source,
      allowedSources: [source],
      scheme: 'standard_webhooks',
    });
    const portal = at('/api/v1/events/webhook', { principal: signedBy('secret-1', 'portal') });
    expect(portal).toMatchObject({ limitClass: 'signed', limit: 20_000 });
    expect(portal!.subject).toBe(at('/api/v1/events/webhook', { body: { source: 'portal' } })!.subject);
    expect(at('/api/v1/events/webhook', { principal: signedBy(null, 'portal') })!.subject).toBe(
      portal!.subject,
    );
    expect(at('/api/v1/events/webhook', { principal: signedBy('secret-1', 'ads') })!.subject).not.toBe(
      portal!.subject,
    );
  });

  it('does not limit a class set to 0', () => {
    expect(
      rateLimitTarget({ route: '/api/v1', ip: '1.2.3.4', body: undefined }, { ...limits, anonymous: 0 }),
    ).toBeNull();
  });
});

import 'reflect-metadata';
import { createHmac, randomBytes } from 'node:crypto';
import { createLogger, loadConfig, type AppLogger } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from '@crm/service-kit';
import type { ApiKeyEntity } from './api-key.entity';
import type { ApiKeyRepository } from './api-key.repository';
import { signingSecretAad } from './signing-secret-format';
import { SigningSecretService } from './signing-secret.service';

const T0 = new Date('2026-03-01T12:00:00Z');
const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const FALLBACK = `whsec_${Buffer.alloc(32, 6).toString('base64')}`;

/** An in-memory stand-in for the repository (the real one is covered by webhook-ingest.int-spec.ts). */
class InMemorySigningSecrets {
  rows: ApiKeyEntity[] = [];
  lookups = 0;
  touched: string[] = [];

  async findSigningSecretsFor(source: string) {
    this.lookups++;
    return this.rows.filter((r) => r.allowedSources.includes(source) || r.allowedSources.includes('*'));
  }
  async touchLastUsed(id: string) {
    this.touched.push(id);
  }
}

const logger = { child: () => createLogger('gateway-test', 'silent') } as unknown as AppLogger;

function setup(env: NodeJS.ProcessEnv = {}) {
  const repository = new InMemorySigningSecrets();
  const cipher = new SecretCipher(randomBytes(32));
  const config = loadConfig(GatewayConfig, { WEBHOOK_SECRET: FALLBACK, ...env });
  const service = new SigningSecretService(repository as unknown as ApiKeyRepository, cipher, config, logger);
  const add = (id: string, secret: string, overrides: Partial<ApiKeyEntity> = {}) =>
    repository.rows.push({
      id,
      name: `secret ${id}`,
      kind: 'signing_secret',
      source: 'website',
      allowedSources: ['website'],
      isActive: true,
      expiresAt: null,
      secretCiphertext: cipher.encrypt(secret, signingSecretAad(id)),
      previousSecretCiphertext: null,
      previousValidUntil: null,
      ...overrides,
    } as ApiKeyEntity);
  return { repository, service, cipher, add };
}

/** A Standard Webhooks request for a website event, signed with `secret` at `at`. */
function signedRequest(secret: string, at = T0, source = 'website') {
  const body = Buffer.from(JSON.stringify({ source, event_type: 'page_visited' }));
  const timestamp = String(Math.floor(at.getTime() / 1000));
  const key = Buffer.from(secret.slice(6), 'base64');
  const signature = createHmac('sha256', key).update(`msg_1.${timestamp}.`).update(body).digest('base64');
  return {
    headers: {
      'webhook-id': 'msg_1',
      'webhook-timestamp': timestamp,
      'webhook-signature': `v1,${signature}`,
    },
    rawBody: body,
    body: JSON.parse(body.toString()) as unknown,
  };
}

const refusedWith = (reason: string) => ({ status: 401, code: 'INVALID_SIGNATURE', details: { reason } });

describe('SigningSecretService', () => {
  it("resolves a request signed with the source's secret to a signed principal and notes the use", async () => {
    const { service, repository, add } = setup();
    add('s-1', SECRET, { allowedSources: ['website', 'portal'] });
    await expect(service.authenticate(signedRequest(SECRET), T0)).resolves.toEqual({
      kind: 'signed',
      secretId: 's-1',
      secretName: 'secret s-1',
      source: 'website',
      allowedSources: ['website', 'portal'],
      scheme: 'standard_webhooks',
      webhookId: 'msg_1',
    });
    expect(repository.touched).toEqual(['s-1']);
  });

  it('uses WEBHOOK_SECRET only for a source that never had a signing secret, and for bodies without a known source', async () => {
    const { service, add } = setup();
    add('s-revoked', SECRET, { isActive: false, secretCiphertext: null });
    await expect(service.authenticate(signedRequest(FALLBACK, T0, 'website'), T0)).rejects.toMatchObject(
      refusedWith('mismatch'),
    );
    await expect(service.authenticate(signedRequest(FALLBACK, T0, 'portal'), T0)).resolves.toMatchObject({
      secretId: null,
      secretName: 'WEBHOOK_SECRET',
      allowedSources: ['*'],
    });
    await expect(
      service.authenticate(signedRequest(FALLBACK, T0, 'not-a-source'), T0),
    ).resolves.toMatchObject({
      secretId: null,
      source: '',
    });
  });

  it('has no fallback in production without WEBHOOK_SECRET', async () => {
    const { service } = setup({
      NODE_ENV: 'production',
      WEBHOOK_SECRET: undefined,
      API_KEYS: 'prod-key-123456:api',
      JWT_SECRET: 'x'.repeat(32),
      ENCRYPTION_KEY: 'b'.repeat(64),
    });
    await expect(service.authenticate(signedRequest(FALLBACK, T0, 'portal'), T0)).rejects.toMatchObject(
      refusedWith('mismatch'),
    );
  });

  it('accepts a rotated-out secret until its grace period ends, and no secret past its expiry', async () => {
    const { service, cipher, add } = setup();
    const next = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    add('s-1', next, {
      previousSecretCiphertext: cipher.encrypt(SECRET, signingSecretAad('s-1')),
      previousValidUntil: new Date(T0.getTime() + 60_000),
      expiresAt: new Date(T0.getTime() + 120_000),
    });
    const later = (ms: number) => new Date(T0.getTime() + ms);
    await expect(service.authenticate(signedRequest(SECRET, T0), T0)).resolves.toMatchObject({
      secretId: 's-1',
    });
    await expect(service.authenticate(signedRequest(next, T0), T0)).resolves.toMatchObject({
      secretId: 's-1',
    });
    await expect(
      service.authenticate(signedRequest(SECRET, later(60_000)), later(60_000)),
    ).rejects.toMatchObject(refusedWith('mismatch'));
    await expect(
      service.authenticate(signedRequest(next, later(120_000)), later(120_000)),
    ).rejects.toMatchObject(refusedWith('mismatch'));
  });

  it('skips a secret that does not decrypt (another ENCRYPTION_KEY or a copied ciphertext)', async () => {
    const { service, cipher, add } = setup();
    add('s-1', SECRET, { secretCiphertext: cipher.encrypt(SECRET, signingSecretAad('another-row')) });
    await expect(service.authenticate(signedRequest(SECRET), T0)).rejects.toMatchObject(
      refusedWith('mismatch'),
    );
  });

  it('caches lookups per source for API_KEY_CACHE_TTL_MS; a grace period still ends on time meanwhile', async () => {
    const { service, repository, cipher, add } = setup({ API_KEY_CACHE_TTL_MS: '5000' });
    const next = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
    add('s-1', next, {
      previousSecretCiphertext: cipher.encrypt(SECRET, signingSecretAad('s-1')),
      previousValidUntil: new Date(T0.getTime() + 2000),
    });
    const at = (ms: number) => new Date(T0.getTime() + ms);
    await expect(service.authenticate(signedRequest(SECRET), T0)).resolves.toMatchObject({ secretId: 's-1' });
    await expect(service.authenticate(signedRequest(SECRET, at(3000)), at(3000))).rejects.toMatchObject(
      refusedWith('mismatch'),
    );
    repository.rows = [];
    await expect(service.authenticate(signedRequest(next, at(4000)), at(4000))).resolves.toMatchObject({
      secretId: 's-1',
    });
    expect(repository.lookups).toBe(1);
    await expect(service.authenticate(signedRequest(next, at(5000)), at(5000))).rejects.toMatchObject(
      refusedWith('mismatch'),
    );
    expect(repository.lookups).toBe(2);
  });

  it('checks the headers before looking anything up', async () => {
    const { service, repository } = setup();
    await expect(
      service.authenticate({ headers: {}, body: { source: 'website' } }, T0),
    ).rejects.toMatchObject(refusedWith('missing_signature'));
    expect(repository.lookups).toBe(0);
  });
});

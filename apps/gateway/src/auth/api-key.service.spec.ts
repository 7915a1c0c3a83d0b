import 'reflect-metadata';
import { createLogger, loadConfig, type AppLogger } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import type { ApiKeyEntity } from './api-key.entity';
import { hashApiKey } from './api-key-hash';
import type { ApiKeyRepository, EnvApiKeyRow } from './api-key.repository';
import { ApiKeyService } from './api-key.service';

/** An in-memory stand-in for the repository (the real one is covered by the integration tests). */
class InMemoryApiKeys {
  readonly rows = new Map<string, ApiKeyEntity>();
  lookups = 0;
  synced: EnvApiKeyRow[] = [];
  touched: string[] = [];

  add(key: string, overrides: Partial<ApiKeyEntity> = {}): ApiKeyEntity {
    const row: ApiKeyEntity = {
      id: `id-${this.rows.size + 1}`,
      name: 'test key',
      kind: 'api_key',
      source: 'website',
      allowedSources: ['website'],
      scopes: ['events:write'],
      prefix: key.slice(0, 4),
      keyHash: hashApiKey(key),
      isActive: true,
      rateLimitPerMinute: null,
      rateLimitSet: false,
      expiresAt: null,
      lastUsedAt: null,
      managedByEnv: false,
      createdBy: null,
      secretCiphertext: null,
      previousSecretCiphertext: null,
      previousValidUntil: null,
      createdAt: new Date(),
      ...overrides,
    };
    this.rows.set(row.keyHash, row);
    return row;
  }

  async findByHash(keyHash: string) {
    this.lookups++;
    return this.rows.get(keyHash) ?? null;
  }
  async syncEnvKeys(rows: EnvApiKeyRow[]) {
    this.synced = rows;
  }
  async touchLastUsed(id: string) {
    this.touched.push(id);
  }
}

const logger = { child: () => createLogger('gateway-test', 'silent') } as unknown as AppLogger;

function setup(env: NodeJS.ProcessEnv = {}) {
  const repository = new InMemoryApiKeys();
  const config = loadConfig(GatewayConfig, env);
  const service = new ApiKeyService(repository as unknown as ApiKeyRepository, config, logger);
  return { repository, service };
}

describe('ApiKeyService', () => {
  it('syncs the API_KEYS keys as hashes only, with allowed_sources = [source]', async () => {
    const { repository, service } = setup({ API_KEYS: 'dnak_AbCd1234_secretpart:waalaxy:read+events:write' });
    await service.onModuleInit();
    expect(repository.synced).toEqual([
      {
        name: 'API_KEYS waalaxy dnak_AbCd1234',
        source: 'waalaxy',
        allowedSources: ['waalaxy'],
        scopes: ['read', 'events:write'],
        prefix: 'dnak_AbCd1234',
        keyHash: hashApiKey('dnak_AbCd1234_secretpart'),
      },
    ]);
    expect(JSON.stringify(repository.synced)).not.toContain('secretpart');
  });

  it('gives a `*` key allowed_sources ["*"], so it may ingest for any source', async () => {
    const { repository, service } = setup({ API_KEYS: 'any-source-key:*:events:write' });
    await service.onModuleInit();
    expect(repository.synced[0]).toMatchObject({
      source: '*',
      allowedSources: ['*'],
      scopes: ['events:write'],
    });
  });

  it('resolves a known key to its principal', async () => {
    const { repository, service } = setup();
    const row = repository.add('good-key-123', { scopes: ['read'], allowedSources: ['*'] });
    await expect(service.authenticate('good-key-123')).resolves.toEqual({
      kind: 'api_key',
      keyId: row.id,
      keyName: 'test key',
      source: 'website',
      allowedSources: ['*'],
      scopes: ['read'],
    });
    expect(repository.touched).toEqual([row.id]);
  });

  it('rejects unknown, inactive, expired keys and signing secrets with 401 INVALID_API_KEY', async () => {
    const { repository, service } = setup();
    repository.add('inactive-key-1', { isActive: false });
    repository.add('expired-key-1', { expiresAt: new Date(Date.now() - 1000) });
    repository.add('whsec_signing_1', { kind: 'signing_secret' });
    for (const key of ['unknown-key-1', 'inactive-key-1', 'whsec_signing_1']) {
      await expect(service.authenticate(key)).rejects.toMatchObject({
        status: 401,
        code: 'INVALID_API_KEY',
        message: 'Invalid API key',
      });
    }
    await expect(service.authenticate('expired-key-1')).rejects.toMatchObject({
      status: 401,
      code: 'INVALID_API_KEY',
      message: 'API key expired',
    });
  });

  it('caches lookups, misses included, for API_KEY_CACHE_TTL_MS', async () => {
    const { repository, service } = setup({ API_KEY_CACHE_TTL_MS: '5000' });
    repository.add('good-key-123');
    const t0 = new Date('2026-01-01T00:00:00Z');
    await service.authenticate('good-key-123', t0);
    await service.authenticate('good-key-123', new Date(t0.getTime() + 4000));
    await expect(service.authenticate('missing-key-1', t0)).rejects.toMatchObject({ status: 401 });
    await expect(service.authenticate('missing-key-1', t0)).rejects.toMatchObject({ status: 401 });
    expect(repository.lookups).toBe(2);
    // After the TTL a revocation is seen.
    repository.rows.get(hashApiKey('good-key-123'))!.isActive = false;
    await expect(service.authenticate('good-key-123', new Date(t0.getTime() + 5001))).rejects.toMatchObject({
      status: 401,
    });
    expect(repository.lookups).toBe(3);
  });

  it('keeps a key in use cached through a flood of unknown keys', async () => {
    const { repository, service } = setup({ API_KEY_CACHE_TTL_MS: '60000' });
    repository.add('good-key-123');
    const t0 = new Date('2026-01-01T00:00:00Z');
    await service.authenticate('good-key-123', t0);
    let refused = 0;
    for (let i = 0; i < 10_001; i++) {
      await service.authenticate(`flood-key-${i}`, t0).catch(() => refused++);
    }
    expect(refused).toBe(10_001);
    const lookups = repository.lookups;
    await service.authenticate('good-key-123', t0);
    expect(repository.lookups).toBe(lookups);
  });

  it('writes last_used_at at most once a minute per key', async () => {
    const { repository, service } = setup();
    const row = repository.add('good-key-123');
    const t0 = new Date('2026-01-01T00:00:00Z');
    await service.authenticate('good-key-123', t0);
    await service.authenticate('good-key-123', new Date(t0.getTime() + 30_000));
    await service.authenticate('good-key-123', new Date(t0.getTime() + 61_000));
    expect(repository.touched).toEqual([row.id, row.id]);
  });
});

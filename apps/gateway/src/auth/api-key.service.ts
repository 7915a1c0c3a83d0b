import { Injectable, type OnModuleInit } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayErrors } from '../http/gateway-errors';
import type { ApiKeyEntity } from './api-key.entity';
import { apiKeyPrefix, hashApiKey } from './api-key-hash';
import { ApiKeyRepository } from './api-key.repository';
import { BoundedLruCache } from './bounded-lru-cache';
import { LastUsedRecorder } from './last-used-recorder';
import type { ApiKeyPrincipal } from './principal';

interface CacheEntry {
  key: ApiKeyEntity | null;
  until: number;
}

/**
 * Bounds of the lookup caches. Misses are remembered too (so a flood of bad keys does not reach the database),
 * in their own cache, so such a flood cannot evict the keys in use.
 */
const MAX_CACHED_KEYS = 10_000;
const MAX_CACHED_MISSES = 10_000;

@Injectable()
export class ApiKeyService implements OnModuleInit {
  private readonly knownKeys = new BoundedLruCache<string, CacheEntry>(MAX_CACHED_KEYS);
  private readonly unknownKeys = new BoundedLruCache<string, CacheEntry>(MAX_CACHED_MISSES);
  private readonly lastUsed: LastUsedRecorder;
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('api-keys');
    this.lastUsed = new LastUsedRecorder(repository, this.log);
  }

  /** Upserts the `API_KEYS` keys (hashed) before the gateway takes requests. */
  async onModuleInit(): Promise<void> {
    const keys = this.config.bootstrapApiKeys();
    await this.repository.syncEnvKeys(
      keys.map(({ key, source, scopes }) => ({
        name: `API_KEYS ${source} ${apiKeyPrefix(key)}`,
        source,
        allowedSources: [source],
        scopes,
        prefix: apiKeyPrefix(key),
        keyHash: hashApiKey(key),
      })),
    );
    this.log.info(
      { keys: keys.map((k) => ({ prefix: apiKeyPrefix(k.key), source: k.source, scopes: k.scopes })) },
      this.config.API_KEYS === undefined && keys.length
        ? 'API_KEYS unset: using the development key (never in production)'
        : 'bootstrap API keys synced',
    );
  }

  /** Resolves a presented key to its principal, or throws 401 INVALID_API_KEY. */
  async authenticate(presented: string, now = new Date()): Promise<ApiKeyPrincipal> {
    const keyHash = hashApiKey(presented);
    const key = await this.lookup(keyHash, now.getTime());
    if (!key || !key.isActive || key.kind !== 'api_key') throw GatewayErrors.invalidApiKey();
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime())
      throw GatewayErrors.invalidApiKey('API key expired');
    this.lastUsed.note(key.id, now);
    return {
      kind: 'api_key',
      keyId: key.id,
      keyName: key.name,
      source: key.source,
      allowedSources: key.allowedSources,
      scopes: key.scopes,
      ingestRateLimitPerMinute: key.rateLimitSet ? key.rateLimitPerMinute : undefined,
    };
  }

  private async lookup(keyHash: string, nowMs: number): Promise<ApiKeyEntity | null> {
    const cached = this.knownKeys.get(keyHash) ?? this.unknownKeys.get(keyHash);
    if (cached && cached.until > nowMs) return cached.key;
    const key = await this.repository.findByHash(keyHash);
    if (this.config.API_KEY_CACHE_TTL_MS > 0) {
      const entry = { key, until: nowMs + this.config.API_KEY_CACHE_TTL_MS };
      if (key) {
        this.knownKeys.set(keyHash, entry);
        this.unknownKeys.delete(keyHash);
      } else {
        this.unknownKeys.set(keyHash, entry);
        this.knownKeys.delete(keyHash);
      }
    }
    return key;
  }
}

import { randomInt } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CreateApiKeyRequest, NotFoundError, RotateApiKeyRequest, type ApiKeyView } from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { GatewayConfig } from '../config/gateway.config';
import { validateInput } from '../http/validation';
import { apiKeyPrefix, hashApiKey } from './api-key-hash';
import type { ApiKeyEntity } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import type { UserPrincipal } from './principal';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `dnak_<8-char id>_<32 base62>` (api.md §1.2): the id part is the prefix lists show. */
function newApiKey(): string {
  // randomInt draws from the CSPRNG without modulo bias.
  const chars = (n: number) => Array.from({ length: n }, () => BASE62[randomInt(BASE62.length)]).join('');
  return `dnak_${chars(8)}_${chars(32)}`;
}

/**
 * API key management for admins (api.md §3.1): the plaintext is shown once at creation or rotation and only its
 * SHA-256 is stored. Revocation and rotation reach every gateway within API_KEY_CACHE_TTL_MS.
 */
@Injectable()
export class ApiKeyAdminService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly keys: ApiKeyRepository,
    private readonly config: GatewayConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('api-key-admin');
  }

  async list(): Promise<{ data: ApiKeyView[] }> {
    return { data: (await this.keys.list()).map((key) => this.view(key)) };
  }

  async create(principal: UserPrincipal, body: unknown): Promise<ApiKeyView & { key: string }> {
    const input = validateInput(CreateApiKeyRequest, body);
    const key = newApiKey();
    const created = await this.keys.insert({
      name: input.name,
      kind: 'api_key',
      source: input.source,
      allowedSources: input.allowed_sources ?? [input.source],
      scopes: input.scopes ?? ['events:write'],
      prefix: apiKeyPrefix(key),
      keyHash: hashApiKey(key),
      expiresAt: input.expires_at ? new Date(input.expires_at) : null,
      // Absent: the configured default applies (and follows it); an explicit null: unlimited (api.md §1.5).
      rateLimitPerMinute: input.rate_limit_per_minute ?? null,
      rateLimitSet: input.rate_limit_per_minute !== undefined,
      createdBy: principal.memberId,
    });
    this.log.info({ key_id: created.id, prefix: created.prefix, by: principal.memberId }, 'API key created');
    return { ...this.view(created), key };
  }

  /** A new plaintext for the key; the old one works on for `grace_seconds` (default 0: not at all). */
  async rotate(principal: UserPrincipal, id: string, body: unknown): Promise<ApiKeyView & { key: string }> {
    const { grace_seconds = 0 } = validateInput(RotateApiKeyRequest, body ?? {});
    const key = newApiKey();
    await this.tx.transaction(async () => {
      const existing = await this.keys.findById(id);
      if (!existing || !existing.isActive) throw new NotFoundError('ApiKey', id);
      const graceUntil = grace_seconds > 0 ? new Date(Date.now() + grace_seconds * 1000) : null;
      await this.keys.rotate(id, hashApiKey(key), apiKeyPrefix(key), graceUntil);
    });
    this.log.info({ key_id: id, grace_seconds, by: principal.memberId }, 'API key rotated');
    return { ...this.view((await this.keys.findById(id))!), key };
  }

  private view(key: ApiKeyEntity): ApiKeyView {
    return toApiKeyView(key, this.config.RATE_LIMIT_INGEST_PER_MINUTE);
  }

  async revoke(principal: UserPrincipal, id: string): Promise<void> {
    await this.tx.transaction(async () => {
      if (!(await this.keys.findById(id))) throw new NotFoundError('ApiKey', id);
      await this.keys.revoke(id);
    });
    this.log.info({ key_id: id, by: principal.memberId }, 'API key revoked');
  }
}

/** `rate_limit_per_minute` is the limit in force: the key's own, else the ingest default (0 = off = null). */
function toApiKeyView(key: ApiKeyEntity, defaultLimit: number): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    kind: key.kind,
    source: key.source,
    allowed_sources: key.allowedSources,
    scopes: key.scopes,
    prefix: key.prefix,
    is_active: key.isActive,
    rate_limit_per_minute: key.rateLimitSet ? key.rateLimitPerMinute : defaultLimit || null,
    expires_at: key.expiresAt?.toISOString() ?? null,
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    created_at: key.createdAt.toISOString(),
    created_by: key.createdBy,
  };
}

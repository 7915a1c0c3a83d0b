import { randomInt, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CreateApiKeyRequest,
  NotFoundError,
  RotateApiKeyRequest,
  ValidationFailedError,
  type ApiKeyView,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { GatewayConfig } from '../config/gateway.config';
import { SecretCipher } from '@crm/service-kit';
import { validateInput } from '../http/validation';
import { apiKeyPrefix, hashApiKey } from './api-key-hash';
import type { ApiKeyEntity, ApiKeyKind } from './api-key.entity';
import { ApiKeyRepository } from './api-key.repository';
import type { UserPrincipal } from './principal';
import { newSigningSecret, signingSecretAad, signingSecretPrefix } from './signing-secret-format';

/** A created or rotated credential with its plaintext, shown this once: `key` or, for a signing secret, `secret`. */
export type CredentialWithPlaintext = ApiKeyView & ({ key: string } | { secret: string });

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `dnak_<8-char id>_<32 base62>` (api.md §1.2): the id part is the prefix lists show. */
function newApiKey(): string {
  // randomInt draws from the CSPRNG without modulo bias.
  const chars = (n: number) => Array.from({ length: n }, () => BASE62[randomInt(BASE62.length)]).join('');
  return `dnak_${chars(8)}_${chars(32)}`;
}

/**
 * API key and signing secret management for admins (api.md §3.1): the plaintext is shown once at creation or
 * rotation. An API key is stored as its SHA-256 only; a signing secret must be read back to verify HMACs (§4.2),
 * so it is also stored encrypted. Revocation and rotation reach every gateway within API_KEY_CACHE_TTL_MS.
 */
@Injectable()
export class ApiKeyAdminService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly keys: ApiKeyRepository,
    private readonly config: GatewayConfig,
    private readonly cipher: SecretCipher,
    logger: AppLogger,
  ) {
    this.log = logger.child('api-key-admin');
  }

  async list(): Promise<{ data: ApiKeyView[] }> {
    return { data: (await this.keys.list()).map((key) => this.view(key)) };
  }

  async create(principal: UserPrincipal, body: unknown): Promise<CredentialWithPlaintext> {
    const input = validateInput(CreateApiKeyRequest, body);
    const kind = input.kind ?? 'api_key';
    if (kind === 'signing_secret' && input.rate_limit_per_minute !== undefined) {
      // Signed ingest is limited per source (RATE_LIMIT_SIGNED_PER_MINUTE), not per secret (api.md §1.5).
      throw new ValidationFailedError([
        {
          path: 'rate_limit_per_minute',
          message: 'rate_limit_per_minute applies to API keys only; signed ingest is limited per source',
          code: 'signingSecretRateLimit',
        },
      ]);
    }
    const id = randomUUID();
    const plaintext = kind === 'signing_secret' ? newSigningSecret() : newApiKey();
    const created = await this.keys.insert({
      id,
      name: input.name,
      kind,
      source: input.source,
      allowedSources: input.allowed_sources ?? [input.source],
      scopes: input.scopes ?? ['events:write'],
      ...this.storedForm(kind, id, plaintext),
      expiresAt: input.expires_at ? new Date(input.expires_at) : null,
      // Absent: the configured default applies (and follows it); an explicit null: unlimited (api.md §1.5).
      rateLimitPerMinute: input.rate_limit_per_minute ?? null,
      rateLimitSet: input.rate_limit_per_minute !== undefined,
      createdBy: principal.memberId,
    });
    this.log.info(
      { key_id: created.id, kind, prefix: created.prefix, by: principal.memberId },
      'API key created',
    );
    return this.withPlaintext(created, plaintext);
  }

  /** A new plaintext for the key or secret; the old one works on for `grace_seconds` (default 0: not at all). */
  async rotate(principal: UserPrincipal, id: string, body: unknown): Promise<CredentialWithPlaintext> {
    const { grace_seconds = 0 } = validateInput(RotateApiKeyRequest, body ?? {});
    const plaintext = await this.tx.transaction(async () => {
      const existing = await this.keys.findById(id);
      if (!existing || !existing.isActive) throw new NotFoundError('ApiKey', id);
      const replacement = existing.kind === 'signing_secret' ? newSigningSecret() : newApiKey();
      const graceUntil = grace_seconds > 0 ? new Date(Date.now() + grace_seconds * 1000) : null;
      await this.keys.rotate(id, this.storedForm(existing.kind, id, replacement), graceUntil);
      return replacement;
    });
    this.log.info({ key_id: id, grace_seconds, by: principal.memberId }, 'API key rotated');
    return this.withPlaintext((await this.keys.findById(id))!, plaintext);
  }

  /** What is stored of a plaintext: its SHA-256 and list prefix, and for a signing secret its ciphertext. */
  private storedForm(kind: ApiKeyKind, id: string, plaintext: string) {
    if (kind === 'api_key') return { keyHash: hashApiKey(plaintext), prefix: apiKeyPrefix(plaintext) };
    return {
      keyHash: hashApiKey(plaintext),
      prefix: signingSecretPrefix(plaintext),
      secretCiphertext: this.cipher.encrypt(plaintext, signingSecretAad(id)),
    };
  }

  private withPlaintext(entity: ApiKeyEntity, plaintext: string): CredentialWithPlaintext {
    const view = this.view(entity);
    return entity.kind === 'signing_secret' ? { ...view, secret: plaintext } : { ...view, key: plaintext };
  }

  private view(key: ApiKeyEntity): ApiKeyView {
    // A signing secret's requests count in the signed class, per source (api.md §1.5).
    const defaultLimit =
      key.kind === 'signing_secret'
        ? this.config.RATE_LIMIT_SIGNED_PER_MINUTE
        : this.config.RATE_LIMIT_INGEST_PER_MINUTE;
    return toApiKeyView(key, defaultLimit);
  }

  async revoke(principal: UserPrincipal, id: string): Promise<void> {
    await this.tx.transaction(async () => {
      if (!(await this.keys.findById(id))) throw new NotFoundError('ApiKey', id);
      await this.keys.revoke(id);
    });
    this.log.info({ key_id: id, by: principal.memberId }, 'API key revoked');
  }
}

/** `rate_limit_per_minute` is the limit in force: the key's own, else its class default (0 = off = null). */
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

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type ApiKeyKind = 'api_key' | 'signing_secret';

/**
 * A machine credential (api.md §1.2, §3.1). Only the SHA-256 of an API key is stored, never the key; a signing
 * secret is also stored encrypted, since verifying an HMAC needs the secret itself.
 */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', default: 'api_key' }) kind: ApiKeyKind;
  @Column({ type: 'text' }) source: string;
  @Column({ type: 'text', array: true, name: 'allowed_sources' }) allowedSources: string[];
  @Column({ type: 'text', array: true }) scopes: string[];
  /** The non-secret start of the key, shown in lists so people can tell keys apart. */
  @Column({ type: 'text' }) prefix: string;
  @Column({ type: 'text', name: 'key_hash', unique: true }) keyHash: string;
  @Column({ type: 'boolean', name: 'is_active', default: true }) isActive: boolean;
  /** The key's own ingest limit when `rateLimitSet`: null = unlimited (api.md §1.5). */
  @Column({ type: 'integer', name: 'rate_limit_per_minute', nullable: true }) rateLimitPerMinute:
    number | null;
  /** Whether `rate_limit_per_minute` was given; otherwise RATE_LIMIT_INGEST_PER_MINUTE applies. */
  @Column({ type: 'boolean', name: 'rate_limit_set', default: false }) rateLimitSet: boolean;
  @Column({ type: 'timestamptz', name: 'expires_at', nullable: true }) expiresAt: Date | null;
  @Column({ type: 'timestamptz', name: 'last_used_at', nullable: true }) lastUsedAt: Date | null;
  /** Keys from `API_KEYS`: re-synced at every start, deactivated once removed from the variable. */
  @Column({ type: 'boolean', name: 'managed_by_env', default: false }) managedByEnv: boolean;
  /** The member who created the key through the admin API (null for `API_KEYS` keys). */
  @Column({ type: 'uuid', name: 'created_by', nullable: true }) createdBy: string | null;
  /** Signing secrets only: the secret, encrypted (SecretCipher, associated data: the id). */
  @Column({ type: 'text', name: 'secret_ciphertext', nullable: true }) secretCiphertext: string | null;
  /** Signing secrets only: the rotated-out secret, verifying until `previousValidUntil`. */
  @Column({ type: 'text', name: 'previous_secret_ciphertext', nullable: true }) previousSecretCiphertext:
    string | null;
  /** End of a rotation's grace period: the previous key or secret is accepted until then. */
  @Column({ type: 'timestamptz', name: 'previous_valid_until', nullable: true })
  previousValidUntil: Date | null;
  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' }) createdAt: Date;
}

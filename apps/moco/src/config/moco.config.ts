import { Transform, Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { BaseServiceConfig, EncryptionKeySetting } from '@crm/service-kit';

const splitList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

/**
 * Environment of the moco service (architecture.md, Configuration). The MOCO settings here are only defaults:
 * `PUT /integrations/moco/config` stores run-time settings (secrets encrypted), which win over them.
 */
export class MocoConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) MOCO_PORT = 3006;

  /** `https://{subdomain}.mocoapp.com/api/v1` (tests point it at the fake server). */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'MOCO_BASE_URL must be an http(s) URL' })
  MOCO_BASE_URL?: string;

  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9-]{0,62}$/i, { message: 'MOCO_SUBDOMAIN must be a MOCO account name' })
  MOCO_SUBDOMAIN?: string;

  @IsOptional() @IsString() MOCO_API_KEY?: string;

  /** The 32-hex keys of the registered MOCO webhooks (comma-separated). */
  @IsOptional()
  @Transform(splitList)
  @IsArray()
  @Matches(/^[0-9a-f]{32}$/i, { each: true, message: 'MOCO_WEBHOOK_KEYS must be 32-hex-char keys' })
  MOCO_WEBHOOK_KEYS: string[] = [];

  /** Encrypts the stored api key and webhook keys. */
  @EncryptionKeySetting() ENCRYPTION_KEY?: string;

  /** Shared request budget of every moco instance (MOCO counts per account key, not per process). */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsOptional()
  @Matches(/^[A-Za-z0-9:_.-]{1,100}$/, { message: 'REDIS_KEY_PREFIX: 1-100 of [A-Za-z0-9:_.-]' })
  REDIS_KEY_PREFIX?: string;

  /** MOCO's limit: 120 requests per 2 minutes (external-apis.md 1.3); 1200 on the unlimited plan. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100_000) MOCO_RATE_LIMIT = 120;
  @Type(() => Number) @IsInt() @Min(100) @Max(3_600_000) MOCO_RATE_WINDOW_MS = 120_000;

  /** Bound of one MOCO HTTP call. */
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000) MOCO_HTTP_TIMEOUT_MS = 10_000;
  /** Retries of one call after a 429, a 5xx or no answer (reads; a create is looked up again instead). */
  @Type(() => Number) @IsInt() @Min(0) @Max(10) MOCO_MAX_RETRIES = 3;
  /** First backoff when MOCO sent no Retry-After; doubles per retry (moco-ruby starts at 1 s). */
  @Type(() => Number) @IsInt() @Min(1) @Max(60_000) MOCO_BACKOFF_MS = 1_000;
  /**
   * The longest one MOCO call may take, waits for a request slot or a Retry-After and retries included; beyond it
   * the command goes back to the queue. A sync holds its transaction open while it calls MOCO, so this stays
   * below PostgreSQL's idle-in-transaction timeout (DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS, 60 s by default).
   */
  @Type(() => Number) @IsInt() @Min(100) @Max(50_000) MOCO_MAX_WAIT_MS = 30_000;

  /** The MOCO custom field that holds our CRM id (external-apis.md 1.5); it must exist in the MOCO account. */
  @IsString() MOCO_CRM_ID_FIELD = 'CRM-ID';
  /** Sales VAT rate of offers and invoice drafts (must match an active MOCO VAT code). */
  @Type(() => Number) @IsInt() @Min(0) @Max(100) MOCO_TAX = 19;

  /** How long `GET /integrations/moco/status` reuses a live check. */
  @Type(() => Number) @IsInt() @Min(0) @Max(3_600_000) MOCO_STATUS_CACHE_MS = 30_000;

  redisKeyPrefix(): string {
    return this.REDIS_KEY_PREFIX ?? `crm:${this.NATS_NAMESPACE || 'default'}:moco:`;
  }
}

import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseServiceConfig, EncryptionKeySetting, encryptionKeyOf } from '@crm/service-kit';

/** api.md §16: success is a 2xx within 15 s. */
export const DELIVERY_TIMEOUT_MS = 15_000;

/** Environment of the webhooks service (architecture.md, Configuration). */
export class WebhooksConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) WEBHOOKS_PORT = 3008;

  /**
   * Encrypts the subscriptions' signing secrets at rest (AES-256-GCM): 32 bytes as hex or base64; required in
   * production. Changing it makes the stored secrets unreadable (rotate every subscription's secret).
   */
  @EncryptionKeySetting()
  ENCRYPTION_KEY?: string;

  /** How often each instance looks for due deliveries. */
  @Type(() => Number) @IsInt() @Min(50) @Max(60_000) WEBHOOKS_POLL_INTERVAL_MS = 1_000;

  /** Deliveries one instance claims and sends at once. */
  @Type(() => Number) @IsInt() @Min(1) @Max(100) WEBHOOKS_DELIVERY_CONCURRENCY = 10;

  /** Bound of one delivery attempt (a slower answer is a failed attempt). */
  @Type(() => Number) @IsInt() @Min(100) @Max(DELIVERY_TIMEOUT_MS) WEBHOOKS_HTTP_TIMEOUT_MS =
    DELIVERY_TIMEOUT_MS;

  encryptionKey(): Buffer {
    return encryptionKeyOf(this.ENCRYPTION_KEY);
  }
}

import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { consumersOf, Subjects } from '@crm/contracts';
import { BaseServiceConfig, EncryptionKeySetting, encryptionKeyOf } from '@crm/service-kit';

const sendBooking = consumersOf('cituro').find((c) => c.subject === Subjects.CituroSendBooking);
const sendBookingAckWaitSeconds = sendBooking?.ackWaitSeconds ?? 60;
/**
 * A send-booking delivery makes up to two Cituro calls (lookup, then upsert), each with its in-call retries:
 * the whole must end well inside the consumer's ack wait, so one attempt is bounded by a tenth of it.
 */
export const MAX_CITURO_HTTP_TIMEOUT_MS = (sendBookingAckWaitSeconds * 1000) / 10;

/**
 * Environment of the cituro service (architecture.md, Configuration). The Cituro account itself (API key,
 * webhook secret, booking URL, …) is configured at run time through `PUT /integrations/cituro/config` and
 * stored encrypted with ENCRYPTION_KEY; unset means "not configured".
 */
export class CituroConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) CITURO_PORT = 3005;

  /** Secrets at rest (API key, webhook secret) are encrypted under this key. */
  @EncryptionKeySetting()
  ENCRYPTION_KEY?: string;

  /** The API base used while the stored config names none (external-apis.md §2.2). */
  @Matches(/^https?:\/\/.+/, { message: 'CITURO_BASE_URL must be an http(s) URL' })
  CITURO_BASE_URL = 'https://app.cituro.com/api';

  /** Bound of one Cituro HTTP attempt. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(MAX_CITURO_HTTP_TIMEOUT_MS, {
    message: `CITURO_HTTP_TIMEOUT_MS must be at most ${MAX_CITURO_HTTP_TIMEOUT_MS} ms`,
  })
  CITURO_HTTP_TIMEOUT_MS = 5_000;

  /** Retries of one Cituro call inside a delivery (429, 5xx, timeouts); the queue retries beyond that. */
  @Type(() => Number) @IsInt() @Min(0) @Max(5) CITURO_HTTP_RETRIES = 2;

  /** First backoff between in-call retries (doubles each time) when Cituro sends no Retry-After. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) CITURO_RETRY_BASE_MS = 500;

  /** A Retry-After longer than this is not waited for in the call: the queue redelivers after it instead. */
  @Type(() => Number) @IsInt() @Min(0) @Max(30_000) CITURO_MAX_INLINE_RETRY_AFTER_MS = 5_000;

  /** The live status check's timeout (api.md §15: at most 5 s). */
  @Type(() => Number) @IsInt() @Min(100) @Max(5_000) CITURO_STATUS_TIMEOUT_MS = 5_000;

  /** How long a status answer is reused (api.md §15: 30 s). */
  @Type(() => Number) @IsInt() @Min(0) @Max(300_000) CITURO_STATUS_CACHE_MS = 30_000;

  encryptionKey(): Buffer {
    return encryptionKeyOf(this.ENCRYPTION_KEY);
  }
}

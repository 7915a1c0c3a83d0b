import { Injectable } from '@nestjs/common';
import { CituroConfig } from '../config/cituro.config';
import type { CituroSettings } from '../settings/cituro-settings';
import type { CituroClient } from './cituro-client';
import { CituroCustomerDirectory } from './cituro-customer-directory';
import { CituroRetryPolicy } from './cituro-retry-policy';
import { HttpCituroClient } from './http-cituro-client';

/** Builds the Cituro client of the settings in use (they change at run time, so per use, not once). */
@Injectable()
export class CituroAccess {
  constructor(private readonly config: CituroConfig) {}

  /** null when no API key is configured. */
  clientFor(settings: CituroSettings, options: { timeoutMs?: number } = {}): CituroClient | null {
    if (!settings.apiKey) return null;
    return new HttpCituroClient({
      baseUrl: settings.baseUrl,
      apiKey: settings.apiKey,
      timeoutMs: options.timeoutMs ?? this.config.CITURO_HTTP_TIMEOUT_MS,
    });
  }

  /** Customer lookups and upserts with the configured retries; null when no API key is configured. */
  customersFor(settings: CituroSettings): CituroCustomerDirectory | null {
    const client = this.clientFor(settings);
    return client && new CituroCustomerDirectory(client, this.retryPolicy());
  }

  private retryPolicy(): CituroRetryPolicy {
    return new CituroRetryPolicy({
      retries: this.config.CITURO_HTTP_RETRIES,
      baseDelayMs: this.config.CITURO_RETRY_BASE_MS * this.config.MESSAGING_BACKOFF_SCALE,
      maxInlineRetryAfterMs: this.config.CITURO_MAX_INLINE_RETRY_AFTER_MS,
    });
  }
}

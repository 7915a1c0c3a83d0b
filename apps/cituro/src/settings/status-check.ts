import { Injectable } from '@nestjs/common';
import type { CituroStatusView } from '@crm/contracts';
import { CituroConfig } from '../config/cituro.config';
import { CituroAccess } from '../cituro-client/cituro-access';
import type { CituroSettings } from './cituro-settings';

interface Cached {
  key: string;
  at: number;
  view: CituroStatusView;
}

/**
 * api.md §15: the status calls Cituro live (`GET /customers?limit=1`, at most CITURO_STATUS_TIMEOUT_MS) and
 * reuses the answer for CITURO_STATUS_CACHE_MS; a settings change makes a new check.
 */
@Injectable()
export class StatusCheck {
  private cached: Cached | null = null;

  constructor(
    private readonly access: CituroAccess,
    private readonly config: CituroConfig,
  ) {}

  async status(settings: CituroSettings): Promise<CituroStatusView> {
    const base = {
      enabled: settings.enabled,
      subdomain: hostOf(settings.baseUrl),
      booking_url_configured: settings.bookingUrl !== null,
    };
    if (!settings.apiKey) return this.notConfigured(base);
    const key = settings.version;
    const now = Date.now();
    if (this.cached && this.cached.key === key && now - this.cached.at < this.config.CITURO_STATUS_CACHE_MS) {
      return this.cached.view;
    }
    const client = this.access.clientFor(settings, { timeoutMs: this.config.CITURO_STATUS_TIMEOUT_MS });
    if (!client) return this.notConfigured(base);
    let view: CituroStatusView;
    try {
      await client.checkConnection();
      view = { ...base, status: 'connected', message: 'Connected to Cituro' };
    } catch (error) {
      view = {
        ...base,
        status: 'error',
        message: error instanceof Error ? error.message : 'Cituro check failed',
      };
    }
    this.cached = { key, at: now, view };
    return view;
  }

  private notConfigured(base: Omit<CituroStatusView, 'status' | 'message'>): CituroStatusView {
    return { ...base, status: 'not_configured', message: 'No Cituro API key is configured' };
  }
}

function hostOf(url: string): string | null {
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

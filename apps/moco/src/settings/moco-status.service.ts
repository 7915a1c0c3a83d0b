import { Injectable } from '@nestjs/common';
import type { MocoStatusView } from '@crm/contracts';
import { MocoConfig } from '../config/moco.config';
import { MocoApi, MocoApiError } from '../moco-client/moco-api';
import { MocoSettingsService } from './moco-settings.service';

/** api.md §15: a live check within 5 s; a little less, so the answer still fits the gateway's 5 s RPC timeout. */
export const LIVE_CHECK_MS = 4_000;

/** `GET /integrations/moco/status`: MOCO's `GET /session`, cached per settings version (api.md §15, 30 s). */
@Injectable()
export class MocoStatusService {
  private cached: { version: string; at: number; view: MocoStatusView } | null = null;

  constructor(
    private readonly settings: MocoSettingsService,
    private readonly api: MocoApi,
    private readonly config: MocoConfig,
  ) {}

  async status(): Promise<MocoStatusView> {
    const settings = await this.settings.current();
    const base = { enabled: settings.enabled, subdomain: settings.subdomain };
    if (!settings.connection) {
      return { status: 'not_configured', message: 'MOCO is not configured', ...base };
    }
    const cached = this.cached;
    if (
      cached &&
      cached.version === settings.version &&
      Date.now() - cached.at < this.config.MOCO_STATUS_CACHE_MS
    ) {
      return { ...cached.view, ...base };
    }
    let view: MocoStatusView;
    try {
      await this.api.checkSession(settings.connection, LIVE_CHECK_MS);
      view = { status: 'connected', message: 'Connected to MOCO', ...base };
    } catch (error) {
      const message = error instanceof MocoApiError ? error.message : 'MOCO check failed';
      view = { status: 'error', message, ...base };
    }
    this.cached = { version: settings.version, at: Date.now(), view };
    return view;
  }
}

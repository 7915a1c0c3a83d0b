import { Injectable } from '@nestjs/common';
import {
  Queries,
  type CituroStatusView,
  type MailerStatusView,
  type MocoStatusView,
  type QuerySubject,
  type SlackStatusView,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** One integration in api.md §15.1. `unreachable` (added) when its service did not answer. */
export interface IntegrationSummary {
  configured: boolean;
  connected: boolean;
  enabled: boolean;
  unreachable?: true;
}

/** api.md §15.1 `GET /integrations/status`. */
export interface IntegrationsStatusView {
  moco: IntegrationSummary;
  slack: IntegrationSummary;
  cituro: IntegrationSummary;
  mailer: IntegrationSummary;
  linkedin: { configured: false; enabled: false };
}

/** Each service's status check may call its vendor (≤5 s, api.md §15); the reply gets a little more. */
const STATUS_TIMEOUT_MS = 8_000;

type VendorStatusView = { status: 'not_configured' | 'connected' | 'error'; enabled: boolean };

/**
 * api.md §15.1: asks the four integration services for their status at once. A service that does not answer
 * is reported as not configured, not connected and `unreachable`; the call itself never fails for it.
 */
@Injectable()
export class IntegrationsStatusService {
  private readonly log: Logger;

  constructor(
    private readonly rpc: GatewayRpc,
    logger: AppLogger,
  ) {
    this.log = logger.child('integrations-status');
  }

  async status(): Promise<IntegrationsStatusView> {
    const [moco, slack, cituro, mailer] = await Promise.all([
      this.ask<MocoStatusView>(Queries.MocoStatus, fromVendorStatus),
      this.ask<SlackStatusView>(Queries.SlackGetStatus, fromVendorStatus),
      this.ask<CituroStatusView>(Queries.CituroGetStatus, fromVendorStatus),
      this.ask<MailerStatusView>(Queries.MailerStatus, (view) => ({
        configured: view.configured,
        connected: view.connected,
        // The mailer has no switch: it sends whenever it is configured.
        enabled: view.configured,
      })),
    ]);
    return { moco, slack, cituro, mailer, linkedin: { configured: false, enabled: false } };
  }

  private async ask<T>(
    query: QuerySubject,
    summarise: (view: T) => IntegrationSummary,
  ): Promise<IntegrationSummary> {
    try {
      return summarise(await this.rpc.request<T>(query, {}, STATUS_TIMEOUT_MS));
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      this.log.warn(
        { query, code: typeof code === 'string' ? code : null },
        'integration status unavailable',
      );
      return { configured: false, connected: false, enabled: false, unreachable: true };
    }
  }
}

function fromVendorStatus(view: VendorStatusView): IntegrationSummary {
  return {
    configured: view.status !== 'not_configured',
    connected: view.status === 'connected',
    enabled: view.enabled,
  };
}

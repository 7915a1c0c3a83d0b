import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  Queries,
  type AutomationGdprExportView,
  type CituroGdprExportView,
  type ErasureView,
  type LeadsGdprExportView,
  type MailerGdprExportView,
  type QuerySubject,
  type ScoringGdprExportView,
  type SlackGdprExportView,
  type WebhooksGdprExportView,
  type MocoGdprExportView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { GatewayConfig } from '../config/gateway.config';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** The counts api.md §17 reports, summed over every service's confirmation. */
const DELETED_RECORD_KINDS = [
  'events',
  'score_history',
  'intent_signals',
  'deals',
  'tasks',
  'notes',
  'trigger_runs',
  'mappings',
] as const;

const POLL_INTERVAL_MS = 100;

export type ErasureOutcome =
  { completed: true; erasure: ErasureView } | { completed: false; erasure: ErasureView };

/** GDPR erasure (api.md §17): leads erases and fans out; the gateway waits a while for every confirmation. */
@Injectable()
export class GdprService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly config: GatewayConfig,
  ) {}

  /** Starts (or finds) the lead's erasure and waits up to GDPR_ERASE_WAIT_MS for it to complete. */
  async erase(principal: Principal, leadId: string): Promise<ErasureOutcome> {
    let erasure = await this.rpc.request<ErasureView>(Queries.LeadsEraseLead, {
      actor: actorOf(principal),
      lead_id: leadId,
    });
    const deadline = Date.now() + this.config.GDPR_ERASE_WAIT_MS;
    while (erasure.status !== 'completed' && Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS);
      erasure = await this.erasure(erasure.erasure_id);
    }
    return { completed: erasure.status === 'completed', erasure };
  }

  erasure(id: string): Promise<ErasureView> {
    return this.rpc.request<ErasureView>(Queries.LeadsGetErasure, { id });
  }

  /**
   * Everything every service holds about the lead, in one document (api.md §17, format 1.1). A service that does
   * not answer within GDPR_EXPORT_TIMEOUT_MS makes it 503 naming the service: never a silently partial export.
   */
  async export(leadId: string): Promise<Record<string, unknown>> {
    const missing: string[] = [];
    const part = async <T>(service: string, subject: QuerySubject, body: object): Promise<T | null> => {
      try {
        return await this.rpc.request<T>(subject, body, this.config.GDPR_EXPORT_TIMEOUT_MS);
      } catch (error) {
        const code = (error as DomainError).code;
        if (code !== ErrorCode.ServiceUnavailable && code !== ErrorCode.UpstreamTimeout) throw error;
        missing.push(service);
        return null;
      }
    };
    const query = { lead_id: leadId };
    const [leads, scoring, automation, mailer, webhooks, cituro, moco] = await Promise.all([
      part<LeadsGdprExportView>('leads', Queries.LeadsGdprExport, query),
      part<ScoringGdprExportView>('scoring', Queries.ScoringGdprExport, query),
      part<AutomationGdprExportView>('automation', Queries.AutomationGdprExport, query),
      part<MailerGdprExportView>('mailer', Queries.MailerGdprExport, query),
      part<WebhooksGdprExportView>('webhooks', Queries.WebhooksGdprExport, query),
      part<CituroGdprExportView>('cituro', Queries.CituroGdprExport, query),
      part<MocoGdprExportView>('moco', Queries.MocoGdprExport, query),
    ]);
    const runIds = automation?.trigger_runs.map((run) => run.id) ?? [];
    const slack = await part<SlackGdprExportView>('slack', Queries.SlackGdprExport, {
      ...query,
      run_ids: runIds,
    });
    if (
      missing.length ||
      !leads ||
      !scoring ||
      !automation ||
      !slack ||
      !mailer ||
      !webhooks ||
      !cituro ||
      !moco
    ) {
      throw new DomainError(
        ErrorCode.ServiceUnavailable,
        'A service did not answer; no partial export',
        503,
        {
          missing,
        },
      );
    }
    return {
      export_format_version: '1.1',
      export_date: new Date().toISOString(),
      lead: leads.lead,
      organization: leads.organization,
      events: leads.events,
      score_history: scoring.score_history,
      intent_signals: scoring.intent_signals,
      deals: leads.deals,
      stage_history: leads.stage_history,
      tasks: leads.tasks,
      notes: leads.notes,
      trigger_runs: automation.trigger_runs,
      integrations: {
        moco: { mappings: moco.mappings },
        cituro: { customer_id: cituro.customer_id, bookings: cituro.bookings },
        slack: { messages: slack.messages },
        mailer: { emails: mailer.emails },
      },
      webhook_deliveries: webhooks.webhook_deliveries,
    };
  }
}

/** `deleted_records` of the 200 answer: each documented kind, summed over the services. */
export function deletedRecordsOf(
  erasure: ErasureView,
): Record<(typeof DELETED_RECORD_KINDS)[number], number> {
  const totals = Object.fromEntries(DELETED_RECORD_KINDS.map((kind) => [kind, 0])) as Record<
    (typeof DELETED_RECORD_KINDS)[number],
    number
  >;
  for (const { deleted_records } of Object.values(erasure.services)) {
    for (const kind of DELETED_RECORD_KINDS) totals[kind] += deleted_records?.[kind] ?? 0;
  }
  return totals;
}

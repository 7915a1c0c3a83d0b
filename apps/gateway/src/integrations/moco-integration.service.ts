import { Injectable } from '@nestjs/common';
import {
  Queries,
  SyncMocoDealBody,
  SyncMocoLeadBody,
  UpdateMocoConfigBody,
  type DealView,
  type LeadView,
  type MocoConfigView,
  type MocoOrganizationSnapshot,
  type MocoStatusView,
  type MocoSyncOperation,
  type MocoSyncQueuedView,
  type MocoWebhookReceipt,
  type OrganizationView,
  type RequestMocoSyncCommand,
} from '@crm/contracts';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

export interface MocoSyncAccepted {
  message: string;
  lead_id?: string;
  deal_id?: string;
  job_type: string;
  command_id: string;
}

/** The deal actions of api.md §15.2 as the sync command names them. */
const DEAL_OPERATIONS: Record<SyncMocoDealBody['action'], MocoSyncOperation> = {
  create_deal: 'create_deal',
  create_offer: 'create_offer',
  create_project: 'create_project',
  create_invoice: 'create_invoice_draft',
};

/**
 * api.md §15.2 / §15.5, owned by moco. A sync needs the lead (and deal) snapshot: it is read from leads here, so
 * the queued command is self-contained (unknown lead or deal → leads' 404).
 */
@Injectable()
export class MocoIntegrationService {
  constructor(private readonly rpc: GatewayRpc) {}

  status(): Promise<MocoStatusView> {
    return this.rpc.request(Queries.MocoStatus, {});
  }

  config(): Promise<MocoConfigView> {
    return this.rpc.request(Queries.MocoGetConfig, {});
  }

  updateConfig(body: unknown): Promise<MocoConfigView & { message: string }> {
    return this.rpc.request(Queries.MocoUpdateConfig, validateInput(UpdateMocoConfigBody, body ?? {}));
  }

  customer(email: string): Promise<Record<string, unknown>> {
    return this.rpc.request(Queries.MocoCustomerByEmail, { email });
  }

  async syncLead(leadId: string, body: unknown): Promise<MocoSyncAccepted> {
    const { action, force } = validateInput(SyncMocoLeadBody, body ?? {});
    const lead = await this.rpc.request<LeadView>(Queries.LeadsGetLead, { id: leadId });
    const queued = await this.queue(action, lead, null, force ?? false);
    return { message: 'MOCO sync queued', lead_id: leadId, job_type: action, command_id: queued.command_id };
  }

  async syncDeal(dealId: string, body: unknown): Promise<MocoSyncAccepted> {
    const { action, force } = validateInput(SyncMocoDealBody, body ?? {});
    const deal = await this.rpc.request<DealView>(Queries.LeadsGetDeal, { id: dealId });
    const lead = await this.rpc.request<LeadView>(Queries.LeadsGetLead, { id: deal.lead_id });
    const queued = await this.queue(DEAL_OPERATIONS[action], lead, deal, force ?? false);
    return { message: 'MOCO sync queued', deal_id: dealId, job_type: action, command_id: queued.command_id };
  }

  receiveWebhook(
    headers: Record<string, string | string[] | undefined>,
    rawBody: Buffer,
  ): Promise<MocoWebhookReceipt> {
    const wanted = [
      'x-moco-target',
      'x-moco-event',
      'x-moco-signature',
      'x-moco-timestamp',
      'x-moco-user-id',
    ];
    const forwarded = Object.fromEntries(
      wanted.map((name) => [name, Array.isArray(headers[name]) ? headers[name][0] : headers[name]]),
    );
    return this.rpc.request(Queries.MocoReceiveWebhook, {
      headers: forwarded,
      raw_body_base64: rawBody.toString('base64'),
    });
  }

  private async queue(
    operation: MocoSyncOperation,
    lead: LeadView,
    deal: DealView | null,
    force: boolean,
  ): Promise<MocoSyncQueuedView> {
    const command: RequestMocoSyncCommand = {
      operation,
      lead: {
        id: lead.id,
        email: lead.email,
        first_name: lead.first_name,
        last_name: lead.last_name,
        phone: lead.phone,
        job_title: lead.job_title,
      },
      organization: lead.organization_id ? await this.organization(lead.organization_id) : null,
      deal: deal && {
        id: deal.id,
        name: deal.name,
        value: deal.value,
        currency: deal.currency,
        expected_close_date: deal.expected_close_date,
      },
      force,
    };
    return this.rpc.request(Queries.MocoRequestSync, command);
  }

  private async organization(id: string): Promise<MocoOrganizationSnapshot> {
    const org = await this.rpc.request<OrganizationView>(Queries.LeadsGetOrganization, { id });
    return {
      id: org.id,
      name: org.name,
      website: org.domain,
      country_code: org.country && /^[A-Za-z]{2}$/.test(org.country) ? org.country.toUpperCase() : null,
    };
  }
}

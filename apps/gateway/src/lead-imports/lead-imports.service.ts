import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  BulkImportLeadsRequest,
  Queries,
  type LeadImportView,
  type RegisteredLeadImport,
} from '@crm/contracts';
import { actorOf, mayUseSource, type Principal } from '../auth/principal';
import { IngestService } from '../events/ingest.service';
import { GatewayErrors } from '../http/gateway-errors';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';
import { checkedIdempotencyKey } from '../events/idempotency-key';
import { IMPORT_EVENT_SOURCE, importBatchIdOf, toImportEvents } from './import-events';

export interface BulkImportAccepted {
  success: true;
  message: string;
  batch_id: string;
  total_leads: number;
  queued_at: string;
}

/**
 * `POST /leads/bulk` (api.md §4.4): the batch is registered in leads first (so its status can be asked from the
 * 202 on), then every row is published to INGEST as a `lead_imported` event and the answer waits for every ack;
 * the batched ingest consumer does the rest at ingest speed.
 */
@Injectable()
export class LeadImportsService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly ingest: IngestService,
  ) {}

  async importLeads(
    principal: Principal,
    body: unknown,
    idempotencyKey: string | undefined,
  ): Promise<BulkImportAccepted> {
    const request = validateInput(BulkImportLeadsRequest, body);
    this.checkSources(principal, request);
    const batchId = importBatchIdOf(principal, checkedIdempotencyKey(idempotencyKey)) ?? randomUUID();
    const skipDuplicates = request.skip_duplicates ?? true;
    const registered = await this.rpc.request<RegisteredLeadImport>(Queries.LeadsRegisterImport, {
      actor: actorOf(principal),
      batch_id: batchId,
      source: request.source,
      campaign_id: request.campaign_id ?? null,
      total_leads: request.leads.length,
      skip_duplicates: skipDuplicates,
      notify_on_complete: request.notify_on_complete ?? false,
      requester_email: principal.kind === 'user' ? principal.email : null,
      queued_at: new Date().toISOString(),
    });
    const events = toImportEvents(
      request,
      { batchId, queuedAt: registered.queued_at, skipDuplicates },
      principal,
    );
    // Every row durable before the answer; a failure is a 503 and a retry with the same Idempotency-Key
    // republishes the same rows, which dedupe.
    await Promise.all(events.map((event) => this.ingest.publishDurable(event)));
    return {
      success: true,
      message: `${events.length} leads queued for import`,
      batch_id: batchId,
      total_leads: events.length,
      queued_at: registered.queued_at,
    };
  }

  status(batchId: string): Promise<LeadImportView> {
    return this.rpc.request(Queries.LeadsGetImport, { batch_id: batchId });
  }

  /**
   * A key may import under the batch's (and each row's) source label when it may send that source, or the
   * generic `import` source the rows are recorded under (api.md §1.2 SOURCE_NOT_ALLOWED).
   */
  private checkSources(principal: Principal, request: BulkImportLeadsRequest): void {
    if (mayUseSource(principal, IMPORT_EVENT_SOURCE)) return;
    const labels = new Set([request.source, ...request.leads.flatMap((item) => item.source ?? [])]);
    for (const label of labels) {
      if (!mayUseSource(principal, label)) throw GatewayErrors.sourceNotAllowed(label);
    }
  }
}

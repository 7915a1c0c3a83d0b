import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  type GetLeadImportQuery,
  type LeadImportView,
  type RegisterLeadImportCommand,
  type RegisteredLeadImport,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { LeadImportRepository } from './lead-import.repository';

/** Import batches for the gateway (api.md §4.4): registered before their rows are published, then read. */
@Injectable()
export class LeadImportsService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly imports: LeadImportRepository,
  ) {}

  async register(command: RegisterLeadImportCommand): Promise<RegisteredLeadImport> {
    const batch = await this.tx.transaction(() =>
      this.imports.register({
        batchId: command.batch_id,
        source: command.source,
        campaignId: command.campaign_id ?? null,
        totalLeads: command.total_leads,
        skipDuplicates: command.skip_duplicates,
        notifyOnComplete: command.notify_on_complete,
        requestedByType: command.actor.type,
        requestedById: command.actor.id,
        requesterEmail: command.requester_email ?? null,
        queuedAt: new Date(command.queued_at),
      }),
    );
    return { batch_id: batch.batchId, queued_at: batch.queuedAt.toISOString() };
  }

  async get({ batch_id }: GetLeadImportQuery): Promise<LeadImportView> {
    const batch = await this.imports.find(batch_id);
    if (!batch) throw new NotFoundError('Import batch', batch_id);
    return {
      batch_id: batch.batchId,
      source: batch.source,
      status: batch.status,
      queued_at: batch.queuedAt.toISOString(),
      completed_at: batch.completedAt?.toISOString() ?? null,
      total_leads: batch.totalLeads,
      processed: batch.processed,
      created: batch.created,
      updated: batch.updated,
      skipped: batch.skipped,
      failed: batch.failed,
      errors: await this.imports.errorsOf(batch_id),
    };
  }
}

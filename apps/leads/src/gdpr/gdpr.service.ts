import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  Subjects,
  type ByIdQuery,
  type EraseLeadCommand,
  type ErasureView,
  type LeadErasureConfirmedV1,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadsConfig } from '../config/leads.config';
import { LeadRepository } from '../leads/lead.repository';
import { ErasureRepository, type ErasureRow } from './erasure.repository';

/** `deleted_<first 12 hex of the id>@anonymized.local` (api.md §17). */
export function anonymizedEmailOf(leadId: string): string {
  return `deleted_${leadId.replace(/-/g, '').slice(0, 12)}@anonymized.local`;
}

/**
 * GDPR erasure (api.md §17). Leads erases what it holds in one transaction and publishes `lead.erased`; every
 * other service erases its own data when it consumes that event and confirms. A service that is down confirms
 * when it is back (its durable consumer waits), so an erasure always completes.
 */
@Injectable()
export class GdprService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly erasures: ErasureRepository,
    private readonly leads: LeadRepository,
    private readonly outbox: Outbox,
    private readonly config: LeadsConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('gdpr');
  }

  /** Starts the erasure of a lead; asking again for an erased lead answers the erasure already made. */
  async erase({ lead_id, actor }: EraseLeadCommand): Promise<ErasureView> {
    const erasure = await this.tx.transaction(async () => {
      const lead = await this.leads.lock(lead_id);
      if (!lead) throw new NotFoundError('Lead', lead_id);
      const existing = await this.erasures.findByLead(lead_id);
      if (existing) return existing;
      const now = new Date();
      const anonymizedEmail = anonymizedEmailOf(lead_id);
      const deleted = await this.erasures.eraseLead(lead_id, lead.email, anonymizedEmail);
      const others = this.config.GDPR_ERASURE_SERVICES.filter((service) => service !== 'leads');
      const row: ErasureRow = {
        id: randomUUID(),
        leadId: lead_id,
        anonymizedEmail,
        services: {
          leads: { status: 'completed', deleted_records: deleted },
          ...Object.fromEntries(
            others.map((s) => [s, { status: 'pending' as const, deleted_records: null }]),
          ),
        },
        requestedAt: now,
        completedAt: others.length ? null : now,
      };
      await this.erasures.insert(row);
      await this.outbox.publish(Subjects.LeadErased, {
        erasure_id: row.id,
        lead_id,
        erased_at: now.toISOString(),
      });
      // The actor is recorded by id only: no personal data of the erased person reaches the log.
      this.log.info(
        { erasure_id: row.id, lead_id, actor_type: actor.type, actor_id: actor.id },
        'lead erased',
      );
      return row;
    });
    return toErasureView(erasure);
  }

  async get({ id }: ByIdQuery): Promise<ErasureView> {
    const erasure = await this.erasures.find(id);
    if (!erasure) throw new NotFoundError('Erasure', id);
    return toErasureView(erasure);
  }

  /** A service erased its data: recorded once; the erasure completes with the last expected confirmation. */
  async confirm(confirmation: LeadErasureConfirmedV1): Promise<void> {
    await this.tx.transaction(async () => {
      const erasure = await this.erasures.lock(confirmation.erasure_id);
      if (!erasure) {
        this.log.warn({ erasure_id: confirmation.erasure_id }, 'confirmation for an unknown erasure ignored');
        return;
      }
      if (erasure.services[confirmation.service]?.status === 'completed') return;
      erasure.services[confirmation.service] = {
        status: 'completed',
        deleted_records: confirmation.deleted_records,
      };
      if (Object.values(erasure.services).every((s) => s.status === 'completed'))
        erasure.completedAt = new Date();
      await this.erasures.update(erasure);
      this.log.info(
        { erasure_id: erasure.id, service: confirmation.service, completed: erasure.completedAt !== null },
        'erasure confirmed',
      );
    });
  }
}

function toErasureView(row: ErasureRow): ErasureView {
  return {
    erasure_id: row.id,
    lead_id: row.leadId,
    status: row.completedAt ? 'completed' : 'in_progress',
    services: row.services,
    anonymized_email: row.anonymizedEmail,
    requested_at: new Date(row.requestedAt).toISOString(),
    completed_at: row.completedAt ? new Date(row.completedAt).toISOString() : null,
  };
}

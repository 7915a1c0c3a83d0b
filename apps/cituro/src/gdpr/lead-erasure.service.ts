import { Injectable } from '@nestjs/common';
import { Subjects, type LeadErasedV1 } from '@crm/contracts';
import { confirmLeadErasure, Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadErasureRepository } from './lead-erasure.repository';

/** GDPR erasure (api.md §17): on `lead.erased`, erases what cituro holds about the lead and confirms to leads. */
@Injectable()
export class LeadErasureService {
  private readonly log: Logger;

  constructor(
    private readonly repository: LeadErasureRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-erasure');
  }

  async erase(event: LeadErasedV1): Promise<void> {
    const deleted = await this.repository.eraseLead(event.lead_id);
    await confirmLeadErasure(this.outbox, Subjects.CituroLeadErased, 'cituro', event, deleted);
    this.log.info({ erasure_id: event.erasure_id, deleted_records: deleted }, 'lead data erased');
  }
}

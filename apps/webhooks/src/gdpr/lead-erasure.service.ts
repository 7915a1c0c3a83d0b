import { Injectable } from '@nestjs/common';
import { Subjects, type LeadErasedV1, type MessageEnvelope } from '@crm/contracts';
import { confirmLeadErasure, Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { FanOutService } from '../deliveries/fan-out.service';
import { webhookEventOf } from '../deliveries/webhook-event';
import { LeadErasureRepository } from './lead-erasure.repository';

/**
 * GDPR erasure (api.md §17): on `lead.erased`, deletes the lead's deliveries, confirms to leads, and then queues
 * the `lead.erased` event itself (§19; no personal data) for subscribers, all in one transaction.
 */
@Injectable()
export class LeadErasureService {
  private readonly log: Logger;

  constructor(
    private readonly repository: LeadErasureRepository,
    private readonly fanOut: FanOutService,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-erasure');
  }

  async erase(envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    const event = envelope.data;
    const deleted = await this.repository.eraseLead(event.lead_id);
    await confirmLeadErasure(this.outbox, Subjects.WebhooksLeadErased, 'webhooks', event, deleted);
    await this.fanOut.queue([webhookEventOf('lead.erased', envelope)]);
    this.log.info({ erasure_id: event.erasure_id, deleted_records: deleted }, 'lead data erased');
  }
}

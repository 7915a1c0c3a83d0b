import { Injectable } from '@nestjs/common';
import type { MessageEnvelope, PayloadOf } from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadEventRepository } from '../leads/lead-event.repository';
import { LeadRepository } from '../leads/lead.repository';
import { crmActivityRowOf, type CrmActivitySubject } from './crm-activity.rules';

export interface RecordCrmActivitiesInput<S extends CrmActivitySubject> {
  subject: S;
  /** validated, in stream order; the transport's transaction is open. */
  envelopes: readonly MessageEnvelope<PayloadOf[S]>[];
}

/**
 * Writes the CRM's own happenings (lead created, deal moved, lead routed, task completed…) into the event feed as
 * activity rows (api.md §4.3), from the domain events leads publishes: eventually consistent, and off the hot
 * paths that made the change (ingest, routing), which write nothing more for it. The rows are never scored
 * (nothing announces them to scoring) and leave the lead's `last_activity` and attribution alone.
 */
@Injectable()
export class CrmActivityService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly leads: LeadRepository,
    private readonly events: LeadEventRepository,
    logger: AppLogger,
  ) {
    this.log = logger.child('crm-activity');
  }

  async recordActivities<S extends CrmActivitySubject>({
    subject,
    envelopes,
  }: RecordCrmActivitiesInput<S>): Promise<{ recorded: number }> {
    const now = new Date();
    const rows = envelopes.flatMap((envelope) => crmActivityRowOf(subject, envelope, now) ?? []);
    if (!rows.length) return { recorded: 0 };
    return this.tx.transaction(async () => {
      // Held until commit: an erasure (which locks the lead FOR UPDATE) either waits for this transaction and
      // then deletes its rows, or committed before the insert below, which then sees it and skips the lead.
      const live = new Set(await this.leads.keyShareLock(rows.map((row) => row.leadId)));
      const recorded = await this.events.insertCrmActivities(rows.filter((row) => live.has(row.leadId)));
      if (recorded < rows.length) {
        this.log.debug(
          { subject, skipped: rows.length - recorded },
          'activity rows already stored or lead gone',
        );
      }
      return { recorded };
    });
  }
}

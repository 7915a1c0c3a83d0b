import type { Provider, Type } from '@nestjs/common';
import type { LeadErasedV1, ServiceName } from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import { Outbox } from '../outbox/outbox';
import { confirmLeadErasure, type ErasureConfirmationSubject } from './message-erasure';

/** The part of a service that erases what it holds about a lead, counting the records per kind. */
export interface LeadDataEraser {
  eraseLead(leadId: string): Promise<Record<string, number>>;
}

export interface LeadErasureParticipantOptions {
  service: ServiceName;
  /** the subject the service confirms on (e.g. `Subjects.ScoringLeadErased`). */
  confirmation: ErasureConfirmationSubject;
  /** the service's provider that erases (its GDPR repository). */
  eraser: Type<LeadDataEraser>;
}

/**
 * A service's share of a GDPR erasure (api.md §17), the same in every service: on `lead.erased` it erases what the
 * service holds about the lead and confirms to leads with the counts, both in the handler's transaction.
 * Provide it with `LeadErasureParticipant.provide({...})` and call `erase` from the `lead.erased` handler.
 */
export class LeadErasureParticipant {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly eraser: LeadDataEraser,
    private readonly outbox: Outbox,
    private readonly options: Pick<LeadErasureParticipantOptions, 'service' | 'confirmation'>,
    logger: AppLogger,
  ) {
    this.log = logger.child('lead-erasure');
  }

  static provide(options: LeadErasureParticipantOptions): Provider {
    return {
      provide: LeadErasureParticipant,
      inject: [options.eraser, Outbox, AppLogger],
      useFactory: (eraser: LeadDataEraser, outbox: Outbox, logger: AppLogger) =>
        new LeadErasureParticipant(eraser, outbox, options, logger),
    };
  }

  async erase(event: LeadErasedV1): Promise<void> {
    const deleted = await this.eraser.eraseLead(event.lead_id);
    await confirmLeadErasure(this.outbox, this.options.confirmation, this.options.service, event, deleted);
    this.log.info({ erasure_id: event.erasure_id, deleted_records: deleted }, 'lead data erased');
  }
}

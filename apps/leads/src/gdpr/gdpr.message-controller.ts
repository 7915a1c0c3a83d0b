import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  ByIdQuery,
  EraseLeadCommand,
  GdprExportQuery,
  Queries,
  Subjects,
  type ErasureView,
  type LeadsGdprExportView,
  type LeadErasureConfirmedV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { ContractValidationPipe, OnEvent, OnRequest } from '@crm/messaging';
import { GdprExportService } from './gdpr-export.service';
import { GdprService } from './gdpr.service';

/** GDPR erasure requests of the gateway, and the other services' confirmations. */
@Controller()
export class GdprMessageController {
  constructor(
    private readonly gdpr: GdprService,
    private readonly exports: GdprExportService,
  ) {}

  @OnRequest(Queries.LeadsGdprExport)
  export(@Payload(ContractValidationPipe) query: GdprExportQuery): Promise<LeadsGdprExportView> {
    return this.exports.export(query);
  }

  @OnRequest(Queries.LeadsEraseLead)
  erase(@Payload(ContractValidationPipe) command: EraseLeadCommand): Promise<ErasureView> {
    return this.gdpr.erase(command);
  }

  @OnRequest(Queries.LeadsGetErasure)
  get(@Payload(ContractValidationPipe) query: ByIdQuery): Promise<ErasureView> {
    return this.gdpr.get(query);
  }

  @OnEvent(Subjects.ScoringLeadErased)
  scoringErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.AutomationLeadErased)
  automationErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.SlackLeadErased)
  slackErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.MailerLeadErased)
  mailerErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.WebhooksLeadErased)
  webhooksErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.CituroLeadErased)
  cituroErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }

  @OnEvent(Subjects.MocoLeadErased)
  mocoErased(@Payload() envelope: MessageEnvelope<LeadErasureConfirmedV1>): Promise<void> {
    return this.gdpr.confirm(envelope.data);
  }
}

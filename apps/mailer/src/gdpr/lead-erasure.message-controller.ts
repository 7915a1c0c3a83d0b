import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GdprExportQuery,
  Queries,
  Subjects,
  type LeadErasedV1,
  type MailerGdprExportView,
  type MessageEnvelope,
} from '@crm/contracts';
import { ContractValidationPipe, LeadErasureParticipant, OnEvent, OnRequest } from '@crm/messaging';
import { GdprExportService } from './gdpr-export.service';

@Controller()
export class LeadErasureMessageController {
  constructor(
    private readonly erasure: LeadErasureParticipant,
    private readonly exports: GdprExportService,
  ) {}

  @OnRequest(Queries.MailerGdprExport)
  export(@Payload(ContractValidationPipe) query: GdprExportQuery): Promise<MailerGdprExportView> {
    return this.exports.export(query);
  }

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope.data);
  }
}

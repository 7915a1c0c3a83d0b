import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GdprExportQuery,
  Queries,
  Subjects,
  type SlackGdprExportView,
  type LeadErasedV1,
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

  @OnRequest(Queries.SlackGdprExport)
  export(@Payload(ContractValidationPipe) query: GdprExportQuery): Promise<SlackGdprExportView> {
    return this.exports.export(query);
  }

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope.data);
  }
}

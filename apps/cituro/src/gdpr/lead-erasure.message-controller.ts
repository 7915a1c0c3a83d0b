import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GdprExportQuery,
  Queries,
  Subjects,
  type CituroGdprExportView,
  type LeadErasedV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { ContractValidationPipe, OnEvent, OnRequest } from '@crm/messaging';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureService } from './lead-erasure.service';

@Controller()
export class LeadErasureMessageController {
  constructor(
    private readonly erasure: LeadErasureService,
    private readonly exports: GdprExportService,
  ) {}

  @OnRequest(Queries.CituroGdprExport)
  export(@Payload(ContractValidationPipe) query: GdprExportQuery): Promise<CituroGdprExportView> {
    return this.exports.export(query);
  }

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope.data);
  }
}

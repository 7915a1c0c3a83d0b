import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  GdprExportQuery,
  Queries,
  Subjects,
  type LeadErasedV1,
  type MessageEnvelope,
  type WebhooksGdprExportView,
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

  @OnRequest(Queries.WebhooksGdprExport)
  export(@Payload(ContractValidationPipe) query: GdprExportQuery): Promise<WebhooksGdprExportView> {
    return this.exports.export(query);
  }

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope);
  }
}

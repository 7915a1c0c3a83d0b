import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  MocoGdprExportQuery,
  Queries,
  Subjects,
  type LeadErasedV1,
  type MessageEnvelope,
  type MocoGdprExportView,
} from '@crm/contracts';
import { ContractValidationPipe, LeadErasureParticipant, OnEvent, OnRequest } from '@crm/messaging';
import { LeadErasureRepository } from './lead-erasure.repository';

@Controller()
export class LeadErasureMessageController {
  constructor(
    private readonly erasure: LeadErasureParticipant,
    private readonly leadData: LeadErasureRepository,
  ) {}

  @OnRequest(Queries.MocoGdprExport)
  export(@Payload(ContractValidationPipe) query: MocoGdprExportQuery): Promise<MocoGdprExportView> {
    return this.leadData.export(query);
  }

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope.data);
  }
}

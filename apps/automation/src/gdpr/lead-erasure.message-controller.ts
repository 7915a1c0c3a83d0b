import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type LeadErasedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { LeadErasureService } from './lead-erasure.service';

@Controller()
export class LeadErasureMessageController {
  constructor(private readonly erasure: LeadErasureService) {}

  @OnEvent(Subjects.LeadErased)
  erased(@Payload() envelope: MessageEnvelope<LeadErasedV1>): Promise<void> {
    return this.erasure.erase(envelope.data);
  }
}

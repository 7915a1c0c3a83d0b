import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type MessageEnvelope, type MocoDealClosedV1 } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { MocoDealClosedService } from './moco-deal-closed.service';

@Controller()
export class MocoDealClosedMessageController {
  constructor(private readonly closer: MocoDealClosedService) {}

  @OnEvent(Subjects.MocoDealClosed)
  closed(@Payload() envelope: MessageEnvelope<MocoDealClosedV1>): Promise<void> {
    return this.closer.close(envelope.data);
  }
}

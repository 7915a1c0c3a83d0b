import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type EvaluateLeadRoutingV1, type MessageEnvelope } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { RoutingService } from './routing.service';

/** Durable consumer of queued routing evaluations (after a score passed the gate, or a batch request). */
@Controller()
export class RoutingCommandsMessageController {
  constructor(private readonly routing: RoutingService) {}

  @OnEvent(Subjects.EvaluateLeadRouting)
  async evaluate(@Payload() envelope: MessageEnvelope<EvaluateLeadRoutingV1>): Promise<void> {
    await this.routing.evaluate(envelope.data.lead_id);
  }
}

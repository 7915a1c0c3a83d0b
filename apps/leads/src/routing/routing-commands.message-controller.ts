import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type EvaluateLeadRoutingV1, type MessageEnvelope } from '@crm/contracts';
import { OnEventBatch } from '@crm/messaging';
import { RoutingService } from './routing.service';

/**
 * Durable consumer of queued routing evaluations (a score passed the gate, or a batch request), in batches: a
 * burst of new leads is routed with one statement per table per batch.
 */
@Controller()
export class RoutingCommandsMessageController {
  constructor(private readonly routing: RoutingService) {}

  @OnEventBatch(Subjects.EvaluateLeadRouting)
  async evaluate(@Payload() envelopes: MessageEnvelope<EvaluateLeadRoutingV1>[]): Promise<void> {
    await this.routing.evaluateMany(envelopes.map((envelope) => envelope.data.lead_id));
  }
}

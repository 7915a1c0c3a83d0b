import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  Subjects,
  type LeadsMoveToStageV1,
  type LeadsUpdateFieldV1,
  type MessageEnvelope,
} from '@crm/contracts';
import { MessageContext, OnEvent } from '@crm/messaging';
import { RuleActionsService } from './rule-actions.service';

/** Rule actions leads executes for automation (api.md §12). */
@Controller()
export class RuleActionsMessageController {
  constructor(private readonly ruleActions: RuleActionsService) {}

  @OnEvent(Subjects.LeadsUpdateField)
  updateField(
    @Payload() envelope: MessageEnvelope<LeadsUpdateFieldV1>,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    return this.ruleActions.updateField({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
    });
  }

  @OnEvent(Subjects.LeadsMoveToStage)
  moveToStage(
    @Payload() envelope: MessageEnvelope<LeadsMoveToStageV1>,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    return this.ruleActions.moveToStage({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
    });
  }
}

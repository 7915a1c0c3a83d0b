import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Subjects, type MessageEnvelope, type SlackPostMessageV1 } from '@crm/contracts';
import { MessageContext, OnEvent } from '@crm/messaging';
import { PostMessageService } from './post-message.service';

@Controller()
export class PostMessageMessageController {
  constructor(private readonly postMessages: PostMessageService) {}

  @OnEvent(Subjects.SlackPostMessage)
  handle(
    @Payload() envelope: MessageEnvelope<SlackPostMessageV1>,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    return this.postMessages.postMessage({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
      isLastAttempt: ctx.isLastAttempt,
    });
  }
}

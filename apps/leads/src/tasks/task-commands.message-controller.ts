import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Subjects, type LeadsCreateTaskV1, type MessageEnvelope } from '@crm/contracts';
import { MessageContext, OnEvent } from '@crm/messaging';
import { TaskCommandsService } from './task-commands.service';

@Controller()
export class TaskCommandsMessageController {
  constructor(private readonly taskCommands: TaskCommandsService) {}

  @OnEvent(Subjects.LeadsCreateTask)
  createTask(
    @Payload() envelope: MessageEnvelope<LeadsCreateTaskV1>,
    @Ctx() ctx: MessageContext,
  ): Promise<void> {
    return this.taskCommands.createTask({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
    });
  }
}

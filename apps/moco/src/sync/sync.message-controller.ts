import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  Queries,
  RequestMocoSyncCommand,
  Subjects,
  type MessageEnvelope,
  type MocoSyncQueuedView,
  type MocoSyncV1,
} from '@crm/contracts';
import { ContractValidationPipe, MessageContext, OnEvent, OnRequest } from '@crm/messaging';
import { SyncRequestService } from './sync-request.service';
import { SyncService } from './sync.service';

@Controller()
export class SyncMessageController {
  constructor(
    private readonly syncs: SyncService,
    private readonly requests: SyncRequestService,
  ) {}

  @OnEvent(Subjects.MocoSync)
  handle(@Payload() envelope: MessageEnvelope<MocoSyncV1>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.syncs.sync({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
      isLastAttempt: ctx.isLastAttempt,
    });
  }

  @OnRequest(Queries.MocoRequestSync)
  request(@Payload(ContractValidationPipe) command: RequestMocoSyncCommand): Promise<MocoSyncQueuedView> {
    return this.requests.request(command);
  }
}

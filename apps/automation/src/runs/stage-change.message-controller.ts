import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Subjects, type DealStageChangedV1, type MessageEnvelope } from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { StageChangeService } from './stage-change.service';

@Controller()
export class StageChangeMessageController {
  constructor(private readonly stageChanges: StageChangeService) {}

  @OnEvent(Subjects.DealStageChanged)
  async handle(@Payload() envelope: MessageEnvelope<DealStageChangedV1>): Promise<void> {
    await this.stageChanges.handleStageChanged(envelope.data);
  }
}

import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import {
  Subjects,
  type MessageEnvelope,
  type SlackMessageFailedV1,
  type SlackMessagePostedV1,
} from '@crm/contracts';
import { OnEvent } from '@crm/messaging';
import { SlackResultsService } from './slack-results.service';

@Controller()
export class SlackResultsMessageController {
  constructor(private readonly results: SlackResultsService) {}

  @OnEvent(Subjects.SlackMessagePosted)
  posted(@Payload() envelope: MessageEnvelope<SlackMessagePostedV1>): Promise<void> {
    return this.results.messagePosted(envelope.data);
  }

  @OnEvent(Subjects.SlackMessageFailed)
  failed(@Payload() envelope: MessageEnvelope<SlackMessageFailedV1>): Promise<void> {
    return this.results.messageFailed(envelope.data);
  }
}

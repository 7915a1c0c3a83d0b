import { Module } from '@nestjs/common';
import { MessageLogRepository } from './message-log.repository';
import { PostMessageDeadLetters } from './post-message-dead-letters';
import { PostMessageMessageController } from './post-message.message-controller';
import { PostMessageService } from './post-message.service';
import { SlackIntegrationMessageController } from './slack-integration.message-controller';
import { SlackIntegrationService } from './slack-integration.service';
import { SlackTargets } from './slack-client/slack-targets';

@Module({
  controllers: [PostMessageMessageController, SlackIntegrationMessageController],
  providers: [
    PostMessageService,
    PostMessageDeadLetters,
    MessageLogRepository,
    SlackTargets,
    SlackIntegrationService,
  ],
})
export class MessagesModule {}

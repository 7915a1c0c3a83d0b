import { Module } from '@nestjs/common';
import { MessageLogRepository } from './message-log.repository';
import { PostMessageDeadLetters } from './post-message-dead-letters';
import { PostMessageMessageController } from './post-message.message-controller';
import { PostMessageService } from './post-message.service';
import { SlackTargets } from './slack-client/slack-targets';

@Module({
  controllers: [PostMessageMessageController],
  providers: [PostMessageService, PostMessageDeadLetters, MessageLogRepository, SlackTargets],
})
export class MessagesModule {}

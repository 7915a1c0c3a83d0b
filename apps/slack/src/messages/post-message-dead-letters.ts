import { Injectable, type OnModuleInit } from '@nestjs/common';
import { consumersOf, Subjects } from '@crm/contracts';
import { DeadLetterService } from '@crm/messaging';
import { PostMessageService } from './post-message.service';

/**
 * The dead-letter entry point of post-message commands: a command that dies there (deliveries exhausted, or
 * unreadable) is reported as failed, so the run that asked for it ends instead of waiting forever.
 */
@Injectable()
export class PostMessageDeadLetters implements OnModuleInit {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly postMessages: PostMessageService,
  ) {}

  /** Before the transport starts consuming (module init precedes it). */
  onModuleInit(): void {
    const consumer = consumersOf('slack').find((c) => c.subject === Subjects.SlackPostMessage);
    if (!consumer) throw new Error('contracts define no slack consumer for post-message commands');
    this.deadLetters.onDeadLettered(consumer.durable, (letter) =>
      this.postMessages.reportDeadLettered(letter, consumer.maxDeliver),
    );
  }
}

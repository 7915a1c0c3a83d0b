import { Injectable, type OnModuleInit } from '@nestjs/common';
import { consumersOf, Subjects } from '@crm/contracts';
import { DeadLetterService } from '@crm/messaging';
import { SendEmailService } from './send-email.service';

/**
 * The dead-letter entry point of send-email commands: a command that dies there (deliveries exhausted, or
 * unreadable) is reported as failed, so its requester does not wait forever.
 */
@Injectable()
export class SendEmailDeadLetters implements OnModuleInit {
  constructor(
    private readonly deadLetters: DeadLetterService,
    private readonly emails: SendEmailService,
  ) {}

  /** Before the transport starts consuming (module init precedes it). */
  onModuleInit(): void {
    const consumer = consumersOf('mailer').find((c) => c.subject === Subjects.MailerSendEmail);
    if (!consumer) throw new Error('contracts define no mailer consumer for send-email commands');
    this.deadLetters.onDeadLettered(consumer.durable, (letter) =>
      this.emails.reportDeadLettered(letter, consumer.maxDeliver),
    );
  }
}

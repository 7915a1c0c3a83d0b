import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  Queries,
  Subjects,
  type MailerSendEmailV1,
  type MailerStatusView,
  type MessageEnvelope,
} from '@crm/contracts';
import { MessageContext, OnEvent, OnRequest } from '@crm/messaging';
import { MailerStatusService } from './mailer-status.service';
import { SendEmailService } from './send-email.service';

@Controller()
export class SendEmailMessageController {
  constructor(
    private readonly emails: SendEmailService,
    private readonly status: MailerStatusService,
  ) {}

  @OnEvent(Subjects.MailerSendEmail)
  handle(@Payload() envelope: MessageEnvelope<MailerSendEmailV1>, @Ctx() ctx: MessageContext): Promise<void> {
    return this.emails.sendEmail({
      idempotencyKey: envelope.idempotency_key ?? envelope.id,
      command: envelope.data,
      deliveryCount: ctx.deliveryCount,
      isLastAttempt: ctx.isLastAttempt,
    });
  }

  @OnRequest(Queries.MailerStatus)
  smtpStatus(): Promise<MailerStatusView> {
    return this.status.status();
  }
}

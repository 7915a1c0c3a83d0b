import { Module } from '@nestjs/common';
import { MailerConfig } from '../config/mailer.config';
import { smtpSettingsOf } from '../config/smtp-settings';
import { TemplatesModule } from '../templates/templates.module';
import { EmailDeliveryRepository } from './email-delivery.repository';
import { MailerStatusService } from './mailer-status.service';
import { SendEmailDeadLetters } from './send-email-dead-letters';
import { SendEmailMessageController } from './send-email.message-controller';
import { SendEmailService } from './send-email.service';
import { MAIL_TRANSPORT } from './smtp/mail-transport';
import { NodemailerTransport } from './smtp/nodemailer-transport';

@Module({
  imports: [TemplatesModule],
  controllers: [SendEmailMessageController],
  providers: [
    SendEmailService,
    SendEmailDeadLetters,
    EmailDeliveryRepository,
    MailerStatusService,
    {
      provide: MAIL_TRANSPORT,
      inject: [MailerConfig],
      useFactory: (config: MailerConfig) => new NodemailerTransport(smtpSettingsOf(config)),
    },
  ],
})
export class DeliveryModule {}

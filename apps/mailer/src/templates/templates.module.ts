import { Module } from '@nestjs/common';
import { MailTemplateRepository } from './mail-template.repository';
import { MailTemplatesMessageController } from './mail-templates.message-controller';
import { MailTemplatesService } from './mail-templates.service';

@Module({
  controllers: [MailTemplatesMessageController],
  providers: [MailTemplateRepository, MailTemplatesService],
  exports: [MailTemplatesService],
})
export class TemplatesModule {}

import { Module } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { LeadErasureParticipant } from '@crm/messaging';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';

/** GDPR erasure and export of what the mailer holds about a lead (api.md §17). */
@Module({
  controllers: [LeadErasureMessageController],
  providers: [
    LeadErasureRepository,
    LeadErasureParticipant.provide({
      service: 'mailer',
      confirmation: Subjects.MailerLeadErased,
      eraser: LeadErasureRepository,
    }),
    GdprExportService,
  ],
})
export class GdprModule {}

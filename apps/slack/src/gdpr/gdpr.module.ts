import { Module } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { LeadErasureParticipant } from '@crm/messaging';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';

/** GDPR erasure of what slack holds about a lead (api.md §17). */
@Module({
  controllers: [LeadErasureMessageController],
  providers: [
    LeadErasureRepository,
    LeadErasureParticipant.provide({
      service: 'slack',
      confirmation: Subjects.SlackLeadErased,
      eraser: LeadErasureRepository,
    }),
    GdprExportService,
  ],
})
export class GdprModule {}

import { Module } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { LeadErasureParticipant } from '@crm/messaging';
import { RunsModule } from '../runs/runs.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';

/** GDPR erasure of what automation holds about a lead (api.md §17). */
@Module({
  imports: [RunsModule],
  controllers: [LeadErasureMessageController],
  providers: [
    LeadErasureRepository,
    LeadErasureParticipant.provide({
      service: 'automation',
      confirmation: Subjects.AutomationLeadErased,
      eraser: LeadErasureRepository,
    }),
    GdprExportService,
  ],
})
export class GdprModule {}

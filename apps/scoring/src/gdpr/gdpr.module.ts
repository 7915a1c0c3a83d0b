import { Module } from '@nestjs/common';
import { Subjects } from '@crm/contracts';
import { LeadErasureParticipant } from '@crm/messaging';
import { IntentModule } from '../intent/intent.module';
import { ScoringModule } from '../scoring/scoring.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';

/** GDPR erasure of what scoring holds about a lead (api.md §17). */
@Module({
  imports: [ScoringModule, IntentModule],
  controllers: [LeadErasureMessageController],
  providers: [
    LeadErasureRepository,
    LeadErasureParticipant.provide({
      service: 'scoring',
      confirmation: Subjects.ScoringLeadErased,
      eraser: LeadErasureRepository,
    }),
    GdprExportService,
  ],
})
export class GdprModule {}

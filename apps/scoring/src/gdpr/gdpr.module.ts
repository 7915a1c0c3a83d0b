import { Module } from '@nestjs/common';
import { IntentModule } from '../intent/intent.module';
import { ScoringModule } from '../scoring/scoring.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure of what scoring holds about a lead (api.md §17). */
@Module({
  imports: [ScoringModule, IntentModule],
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService, GdprExportService],
})
export class GdprModule {}

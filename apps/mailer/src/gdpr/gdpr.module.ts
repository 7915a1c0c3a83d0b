import { Module } from '@nestjs/common';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure and export of what the mailer holds about a lead (api.md §17). */
@Module({
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService, GdprExportService],
})
export class GdprModule {}

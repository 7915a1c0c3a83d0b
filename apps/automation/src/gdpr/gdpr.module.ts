import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure of what automation holds about a lead (api.md §17). */
@Module({
  imports: [RunsModule],
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService, GdprExportService],
})
export class GdprModule {}

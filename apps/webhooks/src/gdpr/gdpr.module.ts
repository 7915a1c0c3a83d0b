import { Module } from '@nestjs/common';
import { DeliveriesModule } from '../deliveries/deliveries.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure and export of what webhooks holds about a lead (api.md §17). */
@Module({
  imports: [DeliveriesModule],
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService, GdprExportService],
})
export class GdprModule {}

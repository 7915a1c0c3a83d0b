import { Module } from '@nestjs/common';
import { BookingsModule } from '../bookings/bookings.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { GdprExportService } from './gdpr-export.service';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure and export of what cituro holds about a lead (api.md §17). */
@Module({
  imports: [BookingsModule, WebhooksModule],
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService, GdprExportService],
})
export class GdprModule {}

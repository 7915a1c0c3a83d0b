import { Module } from '@nestjs/common';
import { LeadErasureMessageController } from './lead-erasure.message-controller';
import { LeadErasureRepository } from './lead-erasure.repository';
import { LeadErasureService } from './lead-erasure.service';

/** GDPR erasure of what automation holds about a lead (api.md §17). */
@Module({
  controllers: [LeadErasureMessageController],
  providers: [LeadErasureRepository, LeadErasureService],
})
export class GdprModule {}

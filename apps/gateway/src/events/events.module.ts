import { Module } from '@nestjs/common';
import { BatchIngestService } from './batch-ingest.service';
import { EventsController } from './events.controller';
import { IngestService } from './ingest.service';

@Module({
  controllers: [EventsController],
  providers: [IngestService, BatchIngestService],
  exports: [IngestService],
})
export class EventsModule {}

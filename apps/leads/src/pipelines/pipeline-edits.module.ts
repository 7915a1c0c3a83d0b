import { Module } from '@nestjs/common';
import { RoutingConfigModule } from '../routing/routing-config.module';
import { PipelineEditsMessageController } from './pipeline-edits.message-controller';
import { PipelineEditsService } from './pipeline-edits.service';
import { PipelinesModule } from './pipelines.module';

/** Pipeline and stage edits; apart from the reads because they check the routing settings, which read pipelines. */
@Module({
  imports: [PipelinesModule, RoutingConfigModule],
  controllers: [PipelineEditsMessageController],
  providers: [PipelineEditsService],
})
export class PipelineEditsModule {}

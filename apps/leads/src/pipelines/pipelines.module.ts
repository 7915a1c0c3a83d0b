import { Module } from '@nestjs/common';
import { PipelineRepository } from './pipeline.repository';
import { PipelinesMessageController } from './pipelines.message-controller';
import { PipelinesService } from './pipelines.service';

@Module({
  controllers: [PipelinesMessageController],
  providers: [PipelineRepository, PipelinesService],
  exports: [PipelineRepository],
})
export class PipelinesModule {}

import { Module } from '@nestjs/common';
import { PipelinesController } from './pipelines.controller';
import { PipelinesService } from './pipelines.service';
import { StageAutomationConfig } from './stage-automation-config';
import { StagesController } from './stages.controller';
import { StagesService } from './stages.service';

@Module({
  controllers: [PipelinesController, StagesController],
  providers: [PipelinesService, StagesService, StageAutomationConfig],
})
export class PipelinesModule {}

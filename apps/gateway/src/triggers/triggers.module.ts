import { Module } from '@nestjs/common';
import { StageTriggersController } from './stage-triggers.controller';
import { StageTriggersService } from './stage-triggers.service';
import { TriggerExecutionController } from './trigger-execution.controller';
import { TriggerExecutionService } from './trigger-execution.service';
import { TriggerRunsController } from './trigger-runs.controller';
import { TriggerRunsService } from './trigger-runs.service';

@Module({
  controllers: [StageTriggersController, TriggerRunsController, TriggerExecutionController],
  providers: [StageTriggersService, TriggerRunsService, TriggerExecutionService],
})
export class TriggersModule {}

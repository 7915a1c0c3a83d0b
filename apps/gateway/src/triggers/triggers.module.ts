import { Module } from '@nestjs/common';
import { StageTriggersController } from './stage-triggers.controller';
import { StageTriggersService } from './stage-triggers.service';
import { TriggerRunsController } from './trigger-runs.controller';
import { TriggerRunsService } from './trigger-runs.service';

@Module({
  controllers: [StageTriggersController, TriggerRunsController],
  providers: [StageTriggersService, TriggerRunsService],
})
export class TriggersModule {}

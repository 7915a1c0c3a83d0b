import { Module } from '@nestjs/common';
import { TriggersModule } from '../triggers/triggers.module';
import { RunDispatcher } from './run-dispatcher';
import { RunResultsMessageController } from './run-results.message-controller';
import { RunResultsService } from './run-results.service';
import { StageChangeMessageController } from './stage-change.message-controller';
import { StageChangeService } from './stage-change.service';
import { StaleRunSweeper } from './stale-run.sweeper';
import { StaleRunsService } from './stale-runs.service';
import { TriggerExecutionService } from './trigger-execution.service';
import { TriggerRunsMessageController } from './trigger-runs.message-controller';
import { TriggerRunsRepository } from './trigger-runs.repository';
import { TriggerRunsService } from './trigger-runs.service';

@Module({
  imports: [TriggersModule],
  controllers: [StageChangeMessageController, RunResultsMessageController, TriggerRunsMessageController],
  providers: [
    StageChangeService,
    RunResultsService,
    TriggerRunsService,
    TriggerExecutionService,
    TriggerRunsRepository,
    RunDispatcher,
    StaleRunsService,
    StaleRunSweeper,
  ],
  exports: [TriggerRunsService],
})
export class RunsModule {}

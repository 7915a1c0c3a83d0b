import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger, PeriodicTask } from '@crm/service-kit';
import { AutomationConfig } from '../config/automation.config';
import { StaleRunsService } from './stale-runs.service';

/** Runs the stale-run sweep every STALE_RUN_SWEEP_INTERVAL_MS, one sweep at a time, until shutdown. */
@Injectable()
export class StaleRunSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    staleRuns: StaleRunsService,
    private readonly config: AutomationConfig,
    logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'stale-run sweep',
      () => staleRuns.failStaleRuns(),
      logger.child('stale-run-sweeper'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.STALE_RUN_SWEEP_INTERVAL_MS);
  }

  /** Before the database closes: no new sweep, and the one under way finishes. */
  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}

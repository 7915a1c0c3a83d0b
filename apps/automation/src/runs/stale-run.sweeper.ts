import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { AutomationConfig } from '../config/automation.config';
import { StaleRunsService } from './stale-runs.service';

/** Runs the stale-run sweep every STALE_RUN_SWEEP_INTERVAL_MS, one sweep at a time, until shutdown. */
@Injectable()
export class StaleRunSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  private readonly log: Logger;

  constructor(
    private readonly staleRuns: StaleRunsService,
    private readonly config: AutomationConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('stale-run-sweeper');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweep(), this.config.STALE_RUN_SWEEP_INTERVAL_MS);
    // The sweep never keeps the process alive; shutdown stops it explicitly.
    this.timer.unref();
  }

  /** Before the database closes: no new sweep, and the one under way finishes. */
  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = this.staleRuns
      .failStaleRuns()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.log.error({ err: error }, 'stale-run sweep failed; the next one retries'),
      )
      .finally(() => (this.sweeping = undefined));
  }
}

import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger, PeriodicTask } from '@crm/service-kit';
import { LeadsConfig } from '../config/leads.config';
import { RoutingService } from './routing.service';

/**
 * Runs the stuck-in-pool sweep at start and then every LEADS_ROUTING_SWEEP_INTERVAL_MS. Every instance runs it;
 * the sweep moves each lead once whatever runs beside it, so no single runner is needed.
 */
@Injectable()
export class RoutingSweepRunner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(
    routing: RoutingService,
    private readonly config: LeadsConfig,
    logger: AppLogger,
  ) {
    this.task = new PeriodicTask(
      'stuck-in-pool sweep',
      () => routing.sweepStuckLeads(),
      logger.child('routing-sweep'),
    );
  }

  onApplicationBootstrap(): void {
    const interval = this.config.LEADS_ROUTING_SWEEP_INTERVAL_MS;
    if (interval) this.task.start(interval, { runNow: true });
  }

  /** Before the database closes: no new sweep, and the one under way finishes. */
  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}

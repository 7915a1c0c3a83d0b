import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppLogger, PeriodicTask } from '@crm/service-kit';
import type { Logger } from 'pino';
import { WebhooksConfig } from '../config/webhooks.config';
import { DeliveryAttemptsService } from './delivery-attempts.service';

/**
 * Polls for due deliveries (the delivery table is the queue: retries are hours apart) and sends them, round
 * after round while rounds come back full. New deliveries wake it at once.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;
  private readonly log: Logger;
  private woken?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly attempts: DeliveryAttemptsService,
    private readonly config: WebhooksConfig,
    logger: AppLogger,
  ) {
    this.log = logger.child('delivery-worker');
    this.task = new PeriodicTask('webhook delivery', () => this.drain(), this.log);
  }

  onApplicationBootstrap(): void {
    this.task.start(this.config.WEBHOOKS_POLL_INTERVAL_MS, { runNow: true });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await Promise.all([this.task.stop(), this.woken]);
  }

  /**
   * Looks for due deliveries now, besides the ticks (one wake-up at a time). Running next to a tick is harmless:
   * each round claims its own rows.
   */
  wake(): void {
    if (this.stopped || this.woken) return;
    this.woken = this.drain()
      .catch((error: unknown) =>
        this.log.error({ err: error }, 'webhook delivery failed; the next tick retries'),
      )
      .finally(() => (this.woken = undefined));
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      const claimed = await this.attempts.deliverDue();
      if (claimed < this.config.WEBHOOKS_DELIVERY_CONCURRENCY) return;
    }
  }
}

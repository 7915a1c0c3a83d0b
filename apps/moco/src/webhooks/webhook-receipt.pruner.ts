import { Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppLogger, PeriodicTask } from '@crm/service-kit';
import { WebhookReceiptRepository } from './webhook-receipt.repository';

/** Receipts are kept for dedupe this long: MOCO retries a failed delivery for far less. */
const KEEP_DAYS = 30;
const EVERY_MS = 3_600_000;

/** Prunes old webhook receipts hourly, one run at a time, until shutdown. */
@Injectable()
export class WebhookReceiptPruner implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly task: PeriodicTask;

  constructor(receipts: WebhookReceiptRepository, logger: AppLogger) {
    this.task = new PeriodicTask(
      'webhook receipt pruning',
      () => receipts.pruneOlderThan(KEEP_DAYS),
      logger.child('webhook-receipt-pruner'),
    );
  }

  onApplicationBootstrap(): void {
    this.task.start(EVERY_MS);
  }

  async onModuleDestroy(): Promise<void> {
    await this.task.stop();
  }
}

import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { headers as natsHeaders } from '@nats-io/nats-core';
import { AppLogger } from '@crm/service-kit';
import { NatsClient } from '../nats/nats-client';
import { OutboxRepository, type PendingOutboxMessage } from './outbox.repository';

const BATCH_SIZE = 200;
const IDLE_POLL_MS = 500;
const HOUSEKEEPING_EVERY_MS = 3_600_000;
const KEEP_PUBLISHED_MS = 3 * 24 * 3_600_000;

/**
 * Publishes outbox rows to JetStream with `msgID` = row id and marks them published. Woken right after a
 * commit, and polling as a safety net (rows left by a crash between commit and publish). Safe to run in
 * several instances at once: rows are claimed with SKIP LOCKED, and a re-publish is dropped by JetStream.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  private pendingWake = false;
  private lastHousekeeping = 0;
  private readonly log;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly nats: NatsClient,
    logger: AppLogger,
  ) {
    this.log = logger.child('outbox-relay');
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  wake(): void {
    this.pendingWake = true;
    this.wakeUp?.();
  }

  /** Publishes what is pending (bounded), then stops. Part of graceful shutdown. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeUp?.();
    await this.loop;
    await this.flush(5).catch((error) => this.log.warn({ err: error }, 'final outbox flush failed'));
  }

  /** Publishes pending rows until none are left or `maxBatches` ran; returns how many were published. */
  async flush(maxBatches = Number.POSITIVE_INFINITY): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxBatches; i++) {
      const published = await this.repository.claimBatch(BATCH_SIZE, (rows) => this.publishRows(rows));
      total += published;
      if (published < BATCH_SIZE) break;
    }
    return total;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        this.pendingWake = false;
        const published = await this.flush(20);
        await this.housekeeping();
        if (published > 0 || this.pendingWake) continue;
      } catch (error) {
        this.log.error({ err: error }, 'outbox relay iteration failed');
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, IDLE_POLL_MS);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = undefined;
    }
  }

  private async publishRows(rows: PendingOutboxMessage[]) {
    const results = await Promise.all(
      rows.map(async (row) => {
        try {
          const h = natsHeaders();
          h.set('Content-Type', 'application/json');
          await this.nats.js.publish(this.nats.namespace.subject(row.subject), JSON.stringify(row.envelope), {
            msgID: row.id,
            headers: h,
            timeout: 5000,
          });
          return { id: row.id, ok: true as const };
        } catch (error) {
          return { id: row.id, ok: false as const, error: (error as Error).message };
        }
      }),
    );
    const failed = results
      .filter((r) => !r.ok)
      .map((r) => ({ id: r.id, error: (r as { error: string }).error }));
    if (failed.length)
      this.log.warn({ failed: failed.length, first_error: failed[0].error }, 'outbox publish failed');
    return { published: results.filter((r) => r.ok).map((r) => r.id), failed };
  }

  private async housekeeping(): Promise<void> {
    if (Date.now() - this.lastHousekeeping < HOUSEKEEPING_EVERY_MS) return;
    this.lastHousekeeping = Date.now();
    await this.repository.deletePublishedBefore(new Date(Date.now() - KEEP_PUBLISHED_MS));
  }
}

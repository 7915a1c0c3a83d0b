import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { AppLogger, BaseServiceConfig, HealthRegistry } from '@crm/service-kit';
import { JetStreamPipeline } from '../nats/jetstream-pipeline';
import { NatsClient } from '../nats/nats-client';
import { outboxPublication } from './outbox-publication';
import { describePublishFailure, outboxRetryAfterFailure } from './outbox-retry-policy';
import {
  OutboxRepository,
  type ClaimedOutboxMessage,
  type OutboxDeliveryFailure,
  type PendingOutboxMessage,
} from './outbox.repository';

const BATCH_SIZE = 200;
const BATCHES_PER_ROUND = 20;
const PUBLISH_TIMEOUT_MS = 5_000;
/** Longer than a batch can take to publish (each publish times out after PUBLISH_TIMEOUT_MS, all in parallel). */
const CLAIM_LEASE_MS = 30_000;
/**
 * Rows committed in this process are handed over to the relay at once, so polling is only a safety net for rows
 * this process did not write: left by an instance that crashed after its commit, whose lease ran out, or due
 * for a retry. A cheap indexed query every
 * few seconds is enough for that; LISTEN/NOTIFY would save those few queries but needs a dedicated connection
 * outside the pool, with its own reconnect handling, for a case that is rare.
 */
const SAFETY_NET_POLL_MS = 5_000;
const HOUSEKEEPING_EVERY_MS = 3_600_000;
/** Rows handed over and not yet published, at most; beyond that they wait for a claim like anyone else's. */
const MAX_HANDED_OVER = 10_000;
const HOUSEKEEPING_CHUNK = 1_000;
const KEEP_PUBLISHED_MS = 3 * 24 * 3_600_000;

interface FailedPublish {
  row: ClaimedOutboxMessage;
  failure: OutboxDeliveryFailure;
}

/** What this relay has done since it started; tests and diagnostics read it. */
export interface OutboxRelayStats {
  /** claim statements run: the only query the relay repeats while idle. */
  claims: number;
  /** rows published as handed over after their commit in this process, without a claim. */
  handedOver: number;
  published: number;
  failed: number;
  parked: number;
}

/**
 * Publishes outbox rows to JetStream with `msgID` = row id and marks them published: the rows this process
 * commits as they are handed over, everyone else's by claiming them. Safe to run in several instances at once:
 * rows are claimed with SKIP LOCKED and a lease, and a re-publish is dropped by JetStream.
 * A row that fails is retried with exponential backoff and parked after OUTBOX_MAX_ATTEMPTS, so it never holds
 * up the rows behind it.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap {
  readonly batchSize = BATCH_SIZE;
  readonly stats: OutboxRelayStats = { claims: 0, handedOver: 0, published: 0, failed: 0, parked: 0 };
  private running = false;
  private loop?: Promise<void>;
  private wakeUp?: () => void;
  /** A claim is due: at start (rows left by an earlier life), on wake(), and when the safety poll comes round. */
  private claimWanted = true;
  /** Rows this process committed, in commit order, published without a claim statement. */
  private handedOver: ClaimedOutboxMessage[] = [];
  /** When the earliest retry this relay scheduled is due, so it wakes for it rather than at the next poll. */
  private retryDueAt = Number.POSITIVE_INFINITY;
  private nextHousekeepingAt = 0;
  /** When the running round began (undefined between rounds): a round that never ends makes the service unready. */
  private roundStartedAt?: number;
  private readonly log;

  constructor(
    private readonly repository: OutboxRepository,
    private readonly nats: NatsClient,
    private readonly pipeline: JetStreamPipeline,
    private readonly config: BaseServiceConfig,
    logger: AppLogger,
    health: HealthRegistry,
  ) {
    this.log = logger.child('outbox-relay');
    health.register('outbox_relay', async () => !this.stalled());
  }

  /** A round (claim, publish, record) running longer than MESSAGING_STALL_TIMEOUT_MS: stuck on a call. */
  private stalled(): boolean {
    return (
      this.roundStartedAt !== undefined &&
      Date.now() - this.roundStartedAt > this.config.MESSAGING_STALL_TIMEOUT_MS
    );
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Claims due rows soon: for rows written where no hand-over reaches this relay. */
  wake(): void {
    this.claimWanted = true;
    this.wakeUp?.();
  }

  /**
   * Rows just committed in this process: published at once, without the claim statement (a hop of every
   * message's path). They carry no lease, so another relay's claim may publish one too; JetStream drops the
   * second copy by its msgID. If this process dies first, they are still due in the table for any claim.
   */
  handOver(rows: PendingOutboxMessage[]): void {
    if (!this.running || this.handedOver.length + rows.length > MAX_HANDED_OVER) return this.wake();
    for (const row of rows) this.handedOver.push({ ...row, attempts: 1 });
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

  /** Publishes due rows until none are left or `maxBatches` ran; returns how many were published. */
  async flush(maxBatches = Number.POSITIVE_INFINITY): Promise<number> {
    return (await this.relayDue(maxBatches)).published;
  }

  private async relayDue(maxBatches: number): Promise<{ published: number; mayHaveMore: boolean }> {
    let published = 0;
    for (let batch = 0; batch < maxBatches; batch++) {
      // Retries due by now are this claim's to take (or the next one's, if this batch comes back full).
      if (this.retryDueAt <= Date.now()) this.retryDueAt = Number.POSITIVE_INFINITY;
      this.stats.claims++;
      const rows = await this.repository.claimDue(BATCH_SIZE, CLAIM_LEASE_MS);
      published += await this.publishBatch(rows);
      // A short batch took everything due: querying again now would come back empty.
      if (rows.length < BATCH_SIZE) return { published, mayHaveMore: false };
    }
    return { published, mayHaveMore: true };
  }

  private async run(): Promise<void> {
    while (this.running) {
      this.roundStartedAt = Date.now();
      try {
        await this.publishHandedOver();
        let mayHaveMore = false;
        if (this.claimWanted || this.retryDueAt <= Date.now()) {
          this.claimWanted = false;
          ({ mayHaveMore } = await this.relayDue(BATCHES_PER_ROUND));
        }
        await this.housekeeping();
        if (mayHaveMore || this.workWaiting()) continue;
      } catch (error) {
        this.log.error({ err: error }, 'outbox relay iteration failed');
      } finally {
        this.roundStartedAt = undefined;
      }
      const timedOut = await this.sleep(Math.min(SAFETY_NET_POLL_MS, this.retryDueAt - Date.now()));
      if (timedOut) this.claimWanted = true;
    }
  }

  private async publishHandedOver(): Promise<void> {
    while (this.handedOver.length) {
      const rows = this.handedOver.splice(0, BATCH_SIZE);
      this.stats.handedOver += rows.length;
      await this.publishBatch(rows);
    }
  }

  private workWaiting(): boolean {
    return this.claimWanted || this.handedOver.length > 0;
  }

  /** Resolves true when the time ran out, false when woken (or stopping). */
  private async sleep(ms: number): Promise<boolean> {
    if (!this.running || this.workWaiting()) return false;
    const timedOut = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(true), Math.max(ms, 0));
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve(false);
      };
    });
    this.wakeUp = undefined;
    return timedOut;
  }

  /** Publishes outside any transaction, then records the outcome in at most two statements. */
  private async publishBatch(rows: ClaimedOutboxMessage[]): Promise<number> {
    if (!rows.length) return 0;
    const outcomes = await Promise.all(rows.map((row) => this.publishRow(row)));
    const published = rows.filter((_, i) => outcomes[i] === null).map((row) => row.id);
    const failed = outcomes.filter((outcome): outcome is FailedPublish => outcome !== null);
    if (published.length) await this.repository.markPublished(published);
    if (failed.length) await this.recordFailures(failed);
    this.stats.published += published.length;
    return published.length;
  }

  /** null when JetStream stored the message (or dropped it as a duplicate of an earlier publish). */
  private async publishRow(row: ClaimedOutboxMessage): Promise<FailedPublish | null> {
    try {
      const { payload, headers } = outboxPublication(row.id, row.envelope);
      await this.pipeline.publish(this.nats.namespace.subject(row.subject), payload, {
        msgId: row.id,
        headers,
        timeoutMs: PUBLISH_TIMEOUT_MS,
      });
      return null;
    } catch (error) {
      return { row, failure: this.failureOf(row, error) };
    }
  }

  private failureOf(row: ClaimedOutboxMessage, error: unknown): OutboxDeliveryFailure {
    return {
      id: row.id,
      attempts: row.attempts,
      error: describePublishFailure(error, row.subject),
      retryInMs: outboxRetryAfterFailure(row.attempts, error, this.config.MESSAGING_BACKOFF_SCALE),
    };
  }

  private async recordFailures(failed: FailedPublish[]): Promise<void> {
    await this.repository.recordFailures(failed.map(({ failure }) => failure));
    // Counted from after the update, whose next_attempt_at was set from the (earlier) statement time.
    const soonestRetryMs = Math.min(
      ...failed.map(({ failure }) => failure.retryInMs ?? Number.POSITIVE_INFINITY),
    );
    this.retryDueAt = Math.min(this.retryDueAt, Date.now() + soonestRetryMs);
    const parked = failed.filter(({ failure }) => failure.retryInMs === null);
    this.stats.failed += failed.length;
    this.stats.parked += parked.length;
    this.log.warn({ failed: failed.length, first_error: failed[0].failure.error }, 'outbox publish failed');
    // One line per parked row, for alerting: ids and subject only, never the payload.
    for (const { row, failure } of parked) {
      this.log.error(
        { message_id: row.id, subject: row.subject, attempts: row.attempts, error: failure.error },
        'outbox message parked: it is not published again unless an operator clears parked_at',
      );
    }
  }

  /** Deletes old published rows in bounded chunks, yielding to publishing as soon as there is something to do. */
  private async housekeeping(): Promise<void> {
    if (Date.now() < this.nextHousekeepingAt) return;
    const cutoff = new Date(Date.now() - KEEP_PUBLISHED_MS);
    let deleted: number;
    do deleted = await this.repository.deletePublishedBefore(cutoff, HOUSEKEEPING_CHUNK);
    while (deleted === HOUSEKEEPING_CHUNK && this.running && !this.workWaiting());
    // Unfinished (a wake came in): carry on in the next round instead of an hour later.
    this.nextHousekeepingAt = deleted === HOUSEKEEPING_CHUNK ? 0 : Date.now() + HOUSEKEEPING_EVERY_MS;
  }
}

import type { MessageHandler } from '@nestjs/microservices';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import {
  PayloadClasses,
  parseEnvelope,
  type ConsumerDefinition,
  type MessageEnvelope,
  type Subject,
} from '@crm/contracts';
import { RequestContext, TransactionHost } from '@crm/service-kit';
import type { DeadLetterReason } from '../dead-letters/dead-letter.entity';
import type { DeadLetterService } from '../dead-letters/dead-letter.service';
import type { InboxRepository } from '../inbox/inbox.repository';
import type { NatsClient } from '../nats/nats-client';
import type { StreamProvisioner } from '../provisioning/stream-provisioner';
import { redeliveryDelayMs } from './backoff';
import { classifyFailure } from './failure-policy';
import type { InFlight } from './in-flight';
import { BatchContext, MessageContext } from './message-context';

export type HandlerMode = 'message' | 'batch';

export interface ConsumerRunnerDeps {
  nats: NatsClient;
  provisioner: StreamProvisioner;
  tx: TransactionHost;
  inbox: InboxRepository;
  deadLetters: DeadLetterService;
  inFlight: InFlight;
  backoffScale: number;
  /**
   * No progress for this long while holding messages makes the runner unready (MESSAGING_STALL_TIMEOUT_MS).
   * Far above any legitimate batch: statements time out after DATABASE_STATEMENT_TIMEOUT_MS, vendor calls
   * after their own timeouts.
   */
  stallTimeoutMs: number;
  /** Resolves once the database answers again (polled by the caller's health check). */
  databaseHealthy: () => Promise<boolean>;
  invoke: (handler: MessageHandler, data: unknown, context: unknown) => Promise<unknown>;
  log: {
    info: (obj: object, msg: string) => void;
    warn: (obj: object, msg: string) => void;
    error: (obj: object, msg: string) => void;
  };
}

/** A received message, parsed: either a valid envelope or the reason it can never be handled. */
interface Delivery {
  message: JsMsg;
  envelope: MessageEnvelope<unknown>;
  context: MessageContext;
}

const DATABASE_RECHECK_MS = 1_000;
const RECOVERY_CHECK_MS = 2_000;
/** Handling that runs longer than this (not counting waits for an unavailable database) is logged once a minute. */
const SLOW_BATCH_AFTER_MS = 60_000;

/**
 * Runs one durable pull consumer: receives messages, keeps the ones it holds alive with in-progress acks,
 * hands them to a per-message or a batch handler in database transactions with their inbox rows, acks after
 * commit, and applies the failure policy (nak with backoff, dead letter, or hold while the database is down).
 * It also watches the consumer: one deleted on the server is provisioned again, and the runner reports
 * itself unready until then.
 */
export class ConsumerRunner {
  private pull?: ConsumerMessages;
  /** Received, not yet handed to a handler, in stream order. */
  private readonly queue: JsMsg[] = [];
  /** Handed to a handler and not yet settled. */
  private readonly held = new Set<JsMsg>();
  private wakeLoop?: () => void;
  private wakeSlot?: () => void;
  private stopping = false;
  private missing = false;
  private keepAlive?: NodeJS.Timeout;
  private recovery?: NodeJS.Timeout;
  private loop?: Promise<void>;
  /** When a handling last finished (or began after an idle spell): the stall check's clock. */
  private lastProgressAt = Date.now();
  /** Handlings holding their messages until the database answers: waiting, not stuck. */
  private waitingForDatabase = 0;
  private lastSlowReport = 0;

  constructor(
    readonly definition: ConsumerDefinition,
    private readonly handler: MessageHandler,
    readonly mode: HandlerMode,
    private readonly deps: ConsumerRunnerDeps,
  ) {}

  /** Consuming, the consumer exists on the server, and no batch is stuck. */
  get ready(): boolean {
    return this.pull !== undefined && !this.missing && !this.stopping && !this.stalled(Date.now());
  }

  /** Messages held, none of them waiting for the database, and no handling finished for a long time. */
  private stalled(now: number): boolean {
    return this.busyFor(now) > this.deps.stallTimeoutMs;
  }

  private busyFor(now: number): number {
    return this.held.size > 0 && this.waitingForDatabase === 0 ? now - this.lastProgressAt : 0;
  }

  /** A log line per minute while a batch takes unusually long, naming what it is doing. */
  private reportSlowBatch(): void {
    const now = Date.now();
    const busyMs = this.busyFor(now);
    if (busyMs < Math.min(SLOW_BATCH_AFTER_MS, this.deps.stallTimeoutMs)) return;
    if (now - this.lastSlowReport < SLOW_BATCH_AFTER_MS) return;
    this.lastSlowReport = now;
    this.deps.log.warn(
      {
        consumer: this.definition.durable,
        busy_ms: busyMs,
        held: this.held.size,
        stalled: this.stalled(now),
      },
      'batch handling is taking unusually long',
    );
  }

  async start(): Promise<void> {
    await this.subscribe();
    // In-progress acks well inside ack_wait keep what we hold (queued, being handled, waiting for the database).
    const every = Math.max(500, (this.definition.ackWaitSeconds * 1000) / 3);
    this.keepAlive = setInterval(() => {
      this.touchHeld();
      this.reportSlowBatch();
    }, every);
    this.loop = this.mode === 'batch' ? this.runBatches() : this.runMessages();
    this.loop.catch((error) =>
      this.deps.log.error({ err: error, consumer: this.definition.durable }, 'consumer loop ended'),
    );
  }

  /**
   * Stops receiving; queued messages go back to the server at once for another instance. Handlers already
   * running are the caller's to wait for (InFlight), within its bound.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.recovery);
    await this.pull?.close().catch(() => undefined);
    for (const message of this.queue.splice(0)) this.settle(() => message.nak());
    this.wakeLoop?.();
    this.wakeSlot?.();
  }

  /** After in-flight handlers finished (or the bound ran out): nothing is held any more. */
  dispose(): void {
    clearInterval(this.keepAlive);
  }

  private async subscribe(): Promise<void> {
    const { nats, provisioner } = this.deps;
    await provisioner.ensureConsumer(this.definition);
    const consumer = await nats.js.consumers.get(
      nats.namespace.stream(this.definition.stream),
      this.definition.durable,
    );
    const size = this.mode === 'batch' ? this.definition.batch.size : this.definition.concurrency;
    this.pull = await consumer.consume({
      max_messages: Math.min(this.definition.maxAckPending, size * 2),
      callback: (message) => this.receive(message),
    });
    this.missing = false;
    void this.watch(this.pull);
  }

  private receive(message: JsMsg): void {
    if (this.stopping) {
      this.settle(() => message.nak());
      return;
    }
    this.queue.push(message);
    this.wakeLoop?.();
  }

  /** A consumer deleted under us is never recreated by the client: provision it again and resubscribe. */
  private async watch(pull: ConsumerMessages): Promise<void> {
    for await (const status of pull.status()) {
      if (this.stopping) return;
      if (
        status.type === 'consumer_deleted' ||
        status.type === 'consumer_not_found' ||
        status.type === 'stream_not_found'
      ) {
        if (this.missing) continue;
        this.missing = true;
        this.deps.log.warn(
          { consumer: this.definition.durable, status: status.type },
          'consumer missing; re-provisioning',
        );
        this.scheduleRecovery(pull);
      }
    }
  }

  private scheduleRecovery(lost: ConsumerMessages): void {
    clearInterval(this.recovery);
    this.recovery = setInterval(() => {
      void (async () => {
        if (this.stopping || !this.missing) return clearInterval(this.recovery);
        try {
          await lost.close().catch(() => undefined);
          await this.subscribe();
          clearInterval(this.recovery);
          this.deps.log.info({ consumer: this.definition.durable }, 'consumer re-provisioned');
        } catch (error) {
          this.deps.log.warn(
            { err: error, consumer: this.definition.durable },
            're-provisioning failed; retrying',
          );
        }
      })();
    }, RECOVERY_CHECK_MS);
  }

  private touchHeld(): void {
    for (const message of [...this.queue, ...this.held]) this.settle(() => message.working());
  }

  /** Waits until a message is queued or the runner stops; false when stopping. */
  private async nextQueued(): Promise<boolean> {
    while (!this.queue.length && !this.stopping) {
      await new Promise<void>((resolve) => (this.wakeLoop = resolve));
      this.wakeLoop = undefined;
    }
    return !this.stopping;
  }

  // ---- per-message handlers: up to `concurrency` messages at once, each in its own transaction ----

  private async runMessages(): Promise<void> {
    let active = 0;
    while (await this.nextQueued()) {
      while (active >= this.definition.concurrency && !this.stopping) {
        await new Promise<void>((resolve) => (this.wakeSlot = resolve));
      }
      // Stopping may have begun while we waited for a slot: the message then goes back (stop() nak'd the queue).
      if (this.stopping) break;
      const message = this.queue.shift()!;
      active++;
      void this.deps.inFlight.track(
        this.handleMessages([message]).finally(() => {
          active--;
          this.wakeSlot?.();
        }),
      );
    }
  }

  // ---- batch handlers: one batch at a time, in stream order ----

  private async runBatches(): Promise<void> {
    const { size, waitMs } = this.definition.batch;
    while (await this.nextQueued()) {
      if (this.queue.length < size && waitMs > 0 && this.moreOnServer()) {
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        if (this.stopping) break;
      }
      const batch = this.queue.splice(0, size);
      await this.deps.inFlight.track(this.handleMessages(batch));
    }
  }

  /**
   * Whether waiting would fill the batch: the server counts, in each delivery, the messages still pending for
   * the consumer behind it. When the last one received says none, a lone message is handled at once (idle
   * latency pays no batch wait); in a burst the wait lets the pull deliver what is pending.
   */
  private moreOnServer(): boolean {
    const last = this.queue[this.queue.length - 1];
    return last !== undefined && last.info.pending !== 0;
  }

  /** Parses, dead-letters what can never be handled, and runs the rest through the handler. */
  private async handleMessages(messages: JsMsg[]): Promise<void> {
    if (!this.held.size) this.lastProgressAt = Date.now();
    for (const message of messages) this.held.add(message);
    try {
      const deliveries: Delivery[] = [];
      for (const message of messages) {
        const delivery = await this.parse(message);
        if (delivery) deliveries.push(delivery);
      }
      if (deliveries.length) await this.handleDeliveries(deliveries);
    } finally {
      for (const message of messages) this.held.delete(message);
      this.lastProgressAt = Date.now();
    }
  }

  private async parse(message: JsMsg): Promise<Delivery | null> {
    const subject = this.deps.nats.namespace.stripSubject(message.subject) as Subject;
    try {
      const envelope = parseEnvelope(
        message.data,
        PayloadClasses[subject] ?? PayloadClasses[this.definition.subject],
      ) as MessageEnvelope<unknown>;
      const context = new MessageContext(
        subject,
        this.definition.durable,
        envelope.id,
        message.info.deliveryCount,
        this.definition.maxDeliver,
        message.info.streamSequence,
      );
      return { message, envelope, context };
    } catch (error) {
      await this.giveUp(message, 'invalid_message', error);
      return null;
    }
  }

  /**
   * One transaction for the deliveries with their inbox rows; ack each after commit. When it fails, a batch
   * is split in halves and each half retried on its own, so one bad message fails alone and its neighbours
   * commit; while the database is unavailable nothing is retried and no delivery is spent.
   */
  private async handleDeliveries(deliveries: Delivery[]): Promise<void> {
    for (;;) {
      const error = await this.commit(deliveries);
      if (!error) {
        for (const { message } of deliveries) this.settle(() => message.ack());
        return;
      }
      const kind = classifyFailure(error);
      if (kind === 'database_unavailable') {
        if (!(await this.waitForDatabase(error))) return this.releaseAll(deliveries);
        continue;
      }
      if (deliveries.length > 1) {
        const half = Math.ceil(deliveries.length / 2);
        await this.handleDeliveries(deliveries.slice(0, half));
        await this.handleDeliveries(deliveries.slice(half));
        return;
      }
      return this.fail(deliveries[0], kind, error);
    }
  }

  /** Runs the handler in one transaction; returns the error instead of throwing. */
  private async commit(deliveries: Delivery[]): Promise<unknown> {
    const first = deliveries[0].envelope;
    try {
      await RequestContext.run(
        { correlationId: first.correlation_id, causationId: deliveries.length === 1 ? first.id : undefined },
        () =>
          this.deps.tx.transaction(async () => {
            const fresh = await this.deps.inbox.markProcessedMany(
              this.definition.durable,
              deliveries.map((d) => d.envelope.id),
            );
            const todo = uniqueFresh(deliveries, fresh);
            if (!todo.length) return;
            if (this.mode === 'batch') {
              await this.deps.invoke(
                this.handler,
                todo.map((d) => d.envelope),
                new BatchContext(
                  this.definition.durable,
                  todo.map((d) => d.context),
                ),
              );
            } else {
              await this.deps.invoke(this.handler, todo[0].envelope, todo[0].context);
            }
          }),
      );
      return undefined;
    } catch (error) {
      return error ?? new Error('handler failed without an error');
    }
  }

  private async fail(delivery: Delivery, kind: 'permanent' | 'transient', error: unknown): Promise<void> {
    const { message, envelope } = delivery;
    const deliveryCount = message.info.deliveryCount;
    if (kind === 'permanent') return this.giveUp(message, 'permanent_error', error);
    // The server allows a few deliveries more than we do (headroom), so the last one is ours to dead-letter.
    if (deliveryCount >= this.definition.maxDeliver)
      return this.giveUp(message, 'max_deliver_exceeded', error);
    const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
    const delay = redeliveryDelayMs(this.definition, deliveryCount, this.deps.backoffScale, retryAfterMs);
    this.deps.log.warn(
      {
        err: error,
        consumer: this.definition.durable,
        message_id: envelope.id,
        delivery: deliveryCount,
        delay_ms: delay,
      },
      'handler failed, redelivering later',
    );
    this.settle(() => message.nak(delay));
  }

  /**
   * Records a dead letter, then terminates. A plain term: nats-server before 2.10.4 ignores a TERM that
   * carries a reason and redelivers after ack_wait. If recording fails, the message is redelivered, not lost.
   */
  private async giveUp(message: JsMsg, reason: DeadLetterReason, error: unknown): Promise<void> {
    const { durable } = this.definition;
    try {
      const recorded = await this.deps.deadLetters.record(this.definition, message, reason, error);
      this.settle(() => message.term());
      if (recorded) this.deps.log.error({ err: error, consumer: durable, reason }, 'message dead-lettered');
      else this.deps.log.warn({ consumer: durable, reason }, 'dead letter redelivered; terminated again');
    } catch (recordError) {
      if (
        classifyFailure(recordError) === 'database_unavailable' &&
        (await this.waitForDatabase(recordError))
      ) {
        return this.giveUp(message, reason, error);
      }
      this.deps.log.error(
        { err: recordError, consumer: durable },
        'could not record dead letter; redelivering',
      );
      const delay = redeliveryDelayMs(this.definition, message.info.deliveryCount, this.deps.backoffScale);
      this.settle(() => message.nak(delay));
    }
  }

  /** Holds the messages (kept alive by in-progress acks) until the database answers; false when stopping. */
  private async waitForDatabase(error: unknown): Promise<boolean> {
    this.deps.log.warn(
      { err: error, consumer: this.definition.durable },
      'database unavailable; holding messages',
    );
    this.waitingForDatabase++;
    try {
      while (!this.stopping) {
        await new Promise((resolve) => setTimeout(resolve, DATABASE_RECHECK_MS));
        if (await this.deps.databaseHealthy().catch(() => false)) return true;
      }
      return false;
    } finally {
      this.waitingForDatabase--;
      this.lastProgressAt = Date.now();
    }
  }

  private releaseAll(deliveries: Delivery[]): void {
    for (const { message } of deliveries) this.settle(() => message.nak());
  }

  /**
   * Acks, naks and terms are fire-and-forget; after the connection drained they throw. That is not a handler
   * failure: the server redelivers the message, and the inbox skips it if its effects were committed.
   */
  private settle(action: () => void): void {
    try {
      action();
    } catch (error) {
      this.deps.log.warn({ err: error, consumer: this.definition.durable }, 'could not settle message');
    }
  }
}

/** The deliveries the inbox saw for the first time, each envelope id once, in stream order. */
function uniqueFresh(deliveries: Delivery[], fresh: Set<string>): Delivery[] {
  const seen = new Set<string>();
  return deliveries.filter((d) => {
    if (!fresh.has(d.envelope.id) || seen.has(d.envelope.id)) return false;
    seen.add(d.envelope.id);
    return true;
  });
}

import { Inject, Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type Subscription } from '@nats-io/nats-core';
import { lastValueFrom } from 'rxjs';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  InvalidMessageError,
  CORRELATION_HEADER,
  TIMEOUT_BUDGET_HEADER,
  HealthQueries,
  Streams,
  type ConsumerDefinition,
  type ErrorBody,
  type ServiceName,
} from '@crm/contracts';
import {
  AppLogger,
  BaseServiceConfig,
  HealthRegistry,
  RequestContext,
  SERVICE_NAME,
  TransactionHost,
} from '@crm/service-kit';
import { DeadLetterService } from '../dead-letters/dead-letter.service';
import { InboxRepository } from '../inbox/inbox.repository';
import { NatsClient } from '../nats/nats-client';
import { OutboxRelay } from '../outbox/outbox-relay';
import { StreamProvisioner } from '../provisioning/stream-provisioner';
import { ConsumerRunner } from './consumer-runner';
import { NATS_TRANSPORT } from './decorators';
import { InFlight, Semaphore } from './in-flight';
import { MessageContext } from './message-context';
import { isDatabaseUnavailable } from './failure-policy';

export const CONSUMER_DEFINITIONS = Symbol('CONSUMER_DEFINITIONS');

type RequestHandler = (data: unknown, context: MessageContext) => Promise<unknown>;

/** Requests answered at once per process; more wait, so a burst cannot take every database connection. */
const MAX_CONCURRENT_REQUESTS = 32;
const INBOX_PRUNE_EVERY_MS = 3_600_000;
const INBOX_PRUNE_CHUNK = 5_000;
/** Streams keep messages 14 days; an inbox row older than that (plus a margin) can never be needed again. */
const INBOX_KEEP_MS = 16 * 24 * 3_600_000;

/**
 * The Nest transport of every service. `@OnEvent` and `@OnEventBatch` handlers become durable JetStream pull
 * consumers (provisioned from contracts, run by a ConsumerRunner each): messages are validated, handled in a
 * database transaction together with their inbox rows, and acked only after commit. `@OnRequest` handlers
 * answer core-NATS requests in a queue group, with bounded concurrency.
 */
@Injectable()
export class MessagingTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = NATS_TRANSPORT;
  private readonly runners: ConsumerRunner[] = [];
  private readonly responders: Subscription[] = [];
  private readonly inFlight = new InFlight();
  private readonly requestSlots = new Semaphore(MAX_CONCURRENT_REQUESTS);
  /** Requests skipped because they queued longer than their caller waits (see TIMEOUT_BUDGET_HEADER). */
  expiredRequests = 0;
  private inboxPruning?: NodeJS.Timeout;
  private stopping = false;
  private closing?: Promise<void>;
  private readonly log;

  constructor(
    private readonly nats: NatsClient,
    private readonly provisioner: StreamProvisioner,
    private readonly tx: TransactionHost,
    private readonly inbox: InboxRepository,
    private readonly deadLetters: DeadLetterService,
    private readonly relay: OutboxRelay,
    private readonly health: HealthRegistry,
    private readonly config: BaseServiceConfig,
    @Inject(SERVICE_NAME) private readonly service: ServiceName,
    @Inject(CONSUMER_DEFINITIONS) private readonly consumers: ConsumerDefinition[],
    logger: AppLogger,
  ) {
    super();
    this.log = logger.child('transport');
  }

  on(): void {
    // Connection events are logged by NatsClient.
  }

  unwrap<T>(): T {
    return this.nats.nc as T;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.provisioner.ensureStreams(Streams);
      for (const [pattern, head] of this.messageHandlers) {
        if (!head.isEventHandler) {
          this.startResponder(pattern, (data, context) => this.invoke(head, data, context));
          continue;
        }
        // Nest chains the event handlers of one pattern; each runs as its own durable consumer.
        const handlers = eventHandlerChain(head);
        for (const handler of handlers) await this.startConsumer(pattern, handler, handlers);
      }
      if (this.runners.length) {
        this.health.register('consumers', async () => this.runners.every((runner) => runner.ready));
        this.scheduleInboxPruning();
      }
      for (const [subject, handle] of this.deadLetters.routes(this.service)) {
        this.startResponder(subject, (data) => this.tx.transaction(() => handle(data)));
      }
      this.startResponder(HealthQueries.ready(this.service), async () => {
        const checks = await this.health.run();
        return { ready: Object.values(checks).every(Boolean), checks };
      });
      // Ready means answering: the server must have registered our subscriptions before we say so.
      await this.nats.nc.flush();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /** Graceful: stop pulling and answering, let in-flight handlers finish (bounded), stop the relay, drain NATS. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopping = true;
      clearInterval(this.inboxPruning);
      for (const responder of this.responders) responder.unsubscribe();
      await Promise.all(this.runners.map((runner) => runner.stop()));
      const finished = await this.inFlight.drain(this.config.SHUTDOWN_TIMEOUT_MS);
      if (!finished) this.log.warn({ in_flight: this.inFlight.size }, 'handlers still running at shutdown');
      for (const runner of this.runners) runner.dispose();
      await this.relay.stop();
      await this.nats.drain();
      this.log.info('messaging stopped');
    })();
    return this.closing;
  }

  private async startConsumer(
    pattern: string,
    handler: MessageHandler,
    handlersOfPattern: MessageHandler[],
  ): Promise<void> {
    const named = consumerNameOf(handler);
    // An unnamed handler takes the subject's consumer that no other handler of this service names.
    const claimed = new Set(handlersOfPattern.map(consumerNameOf).filter(Boolean));
    const defined = this.consumers.find((c) =>
      named ? c.durable === named && c.subject === pattern : c.subject === pattern && !claimed.has(c.durable),
    );
    if (!defined) {
      throw new Error(
        `${this.service} handles ${pattern}${named ? ` as ${named}` : ''} but contracts define no consumer for it`,
      );
    }
    const definition = withScaledAckWait(defined, this.config.MESSAGING_ACK_WAIT_SCALE);
    if (this.runners.some((runner) => runner.definition.durable === definition.durable)) {
      throw new Error(
        `${this.service}: two handlers run as consumer ${definition.durable}; name one of them`,
      );
    }
    const mode = (handler.extras as { batch?: boolean } | undefined)?.batch ? 'batch' : 'message';
    const runner = new ConsumerRunner(definition, handler, mode, {
      nats: this.nats,
      provisioner: this.provisioner,
      tx: this.tx,
      inbox: this.inbox,
      deadLetters: this.deadLetters,
      inFlight: this.inFlight,
      backoffScale: this.config.MESSAGING_BACKOFF_SCALE,
      stallTimeoutMs: this.config.MESSAGING_STALL_TIMEOUT_MS,
      databaseHealthy: () => this.tx.dataSource.query('SELECT 1').then(() => true),
      invoke: (h, data, context) => this.invoke(h, data, context),
      log: this.log,
    });
    await runner.start();
    this.runners.push(runner);
    this.log.info({ consumer: definition.durable, subject: pattern, mode }, 'consuming');
  }

  private scheduleInboxPruning(): void {
    const prune = async () => {
      const cutoff = new Date(Date.now() - INBOX_KEEP_MS);
      let deleted = 0;
      for (let removed = INBOX_PRUNE_CHUNK; removed === INBOX_PRUNE_CHUNK && !this.stopping;) {
        removed = await this.inbox.pruneProcessedBefore(cutoff, INBOX_PRUNE_CHUNK);
        deleted += removed;
      }
      if (deleted) this.log.info({ deleted }, 'inbox pruned');
    };
    this.inboxPruning = setInterval(
      () => void prune().catch((error) => this.log.warn({ err: error }, 'inbox pruning failed')),
      INBOX_PRUNE_EVERY_MS,
    );
    this.inboxPruning.unref();
  }

  private startResponder(pattern: string, handle: RequestHandler): void {
    const subscription = this.nats.nc.subscribe(this.nats.namespace.subject(pattern), {
      queue: this.service,
      callback: (error, message) => {
        if (error) return this.log.error({ err: error }, 'responder subscription failed');
        void this.inFlight.track(this.answer(pattern, handle, message, Date.now()));
      },
    });
    this.responders.push(subscription);
  }

  private async answer(
    pattern: string,
    handle: RequestHandler,
    message: Msg,
    receivedAtMs: number,
  ): Promise<void> {
    const correlationId = message.headers?.get(CORRELATION_HEADER) || randomUUID();
    await this.requestSlots.acquire();
    try {
      // Measured on this process's clock from arrival, so clocks of other hosts do not matter.
      const budgetMs = Number(message.headers?.get(TIMEOUT_BUDGET_HEADER));
      if (budgetMs > 0 && Date.now() - receivedAtMs >= budgetMs) {
        this.expiredRequests += 1;
        this.log.warn(
          { subject: pattern, correlation_id: correlationId, queued_ms: Date.now() - receivedAtMs },
          'request skipped: its caller stopped waiting while it queued',
        );
        return;
      }
      await RequestContext.run({ correlationId }, async () => {
        let reply: { ok: true; data: unknown } | { ok: false; error: ErrorBody };
        try {
          const data = parseRequest(message.data);
          const context = new MessageContext(pattern, 'request', correlationId, 1, 1, null);
          reply = { ok: true, data: (await handle(data, context)) ?? null };
        } catch (error) {
          reply = { ok: false, error: toErrorBody(error) };
          if (reply.error.status >= 500) this.log.error({ err: error, subject: pattern }, 'request failed');
        }
        const h = natsHeaders();
        h.set(CORRELATION_HEADER, correlationId);
        if (!this.nats.nc.isClosed()) message.respond(JSON.stringify(reply), { headers: h });
      });
    } finally {
      this.requestSlots.release();
    }
  }

  private async invoke(handler: MessageHandler, data: unknown, context: unknown): Promise<unknown> {
    const result = await handler(data, context);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
  }
}

/** The handlers Nest registered for one event pattern, in declaration order (it links them by `next`). */
function eventHandlerChain(head: MessageHandler): MessageHandler[] {
  const chain: MessageHandler[] = [];
  for (let handler: MessageHandler | undefined = head; handler; handler = handler.next) chain.push(handler);
  // Nest would call a handler's `next` along with it, inside the first consumer's transaction and inbox; each
  // runs alone instead, as its own consumer.
  for (const handler of chain) handler.next = undefined;
  return chain;
}

function consumerNameOf(handler: MessageHandler): string | undefined {
  return (handler.extras as { consumer?: string } | undefined)?.consumer;
}

/** A request body: empty means no input; anything but JSON is the caller's mistake (400), not ours. */
function parseRequest(raw: Uint8Array): unknown {
  if (!raw.length) return {};
  try {
    return JSON.parse(Buffer.from(raw).toString('utf8'));
  } catch {
    throw new InvalidMessageError('Request is not JSON', [
      { path: '', message: 'invalid JSON', code: 'json' },
    ]);
  }
}

export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof DomainError) return error.toBody();
  if (error instanceof InvalidMessageError) {
    return {
      code: ErrorCode.ValidationError,
      message: 'Invalid request',
      status: 400,
      details: { validation_errors: error.issues },
    };
  }
  if (isDatabaseUnavailable(error)) {
    return { code: ErrorCode.ServiceUnavailable, message: 'Service temporarily unavailable', status: 503 };
  }
  return { code: ErrorCode.InternalError, message: 'Internal error', status: 500 };
}

/** The definition with its ack wait scaled (MESSAGING_ACK_WAIT_SCALE), whole seconds and at least one. */
export function withScaledAckWait(definition: ConsumerDefinition, scale: number): ConsumerDefinition {
  if (scale === 1) return definition;
  return { ...definition, ackWaitSeconds: Math.max(1, Math.round(definition.ackWaitSeconds * scale)) };
}

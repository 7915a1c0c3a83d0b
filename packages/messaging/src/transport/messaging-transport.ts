import { Inject, Injectable } from '@nestjs/common';
import { Server, type CustomTransportStrategy, type MessageHandler } from '@nestjs/microservices';
import { headers as natsHeaders, type Msg, type Subscription } from '@nats-io/nats-core';
import type { ConsumerMessages, JsMsg } from '@nats-io/jetstream';
import { lastValueFrom } from 'rxjs';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  InvalidMessageError,
  PayloadClasses,
  CORRELATION_HEADER,
  HealthQueries,
  Streams,
  parseEnvelope,
  type ConsumerDefinition,
  type ErrorBody,
  type ServiceName,
  type Subject,
} from '@crm/contracts';
import {
  AppLogger,
  BaseServiceConfig,
  HealthRegistry,
  RequestContext,
  SERVICE_NAME,
  TransactionHost,
} from '@crm/service-kit';
import type { DeadLetterReason } from '../dead-letters/dead-letter.entity';
import { DeadLetterService } from '../dead-letters/dead-letter.service';
import { InboxRepository } from '../inbox/inbox.repository';
import { NatsClient } from '../nats/nats-client';
import { OutboxRelay } from '../outbox/outbox-relay';
import { StreamProvisioner } from '../provisioning/stream-provisioner';
import { redeliveryDelayMs } from './backoff';
import { NATS_TRANSPORT } from './decorators';
import { InFlight, Semaphore } from './in-flight';
import { MessageContext } from './message-context';
import { PermanentError } from './message-errors';

export const CONSUMER_DEFINITIONS = Symbol('CONSUMER_DEFINITIONS');

type RequestHandler = (data: unknown, context: MessageContext) => Promise<unknown>;

/**
 * The Nest transport of every service. `@OnEvent` handlers become durable JetStream pull consumers
 * (provisioned from contracts): each message is validated, handled in a database transaction together with
 * its inbox row, and acked only after commit; failures are nak'd with backoff or become dead letters.
 * `@OnRequest` handlers answer core-NATS requests in a queue group.
 */
@Injectable()
export class MessagingTransport extends Server implements CustomTransportStrategy {
  override readonly transportId = NATS_TRANSPORT;
  private readonly pulls: ConsumerMessages[] = [];
  private readonly responders: Subscription[] = [];
  private readonly inFlight = new InFlight();
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
      for (const [pattern, handler] of this.messageHandlers) {
        if (handler.isEventHandler) await this.startConsumer(pattern, handler);
        else this.startResponder(pattern, (data, context) => this.invoke(handler, data, context));
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
      for (const responder of this.responders) responder.unsubscribe();
      await Promise.all(this.pulls.map((pull) => pull.close().catch(() => undefined)));
      const finished = await this.inFlight.drain(this.config.SHUTDOWN_TIMEOUT_MS);
      if (!finished) this.log.warn({ in_flight: this.inFlight.size }, 'handlers still running at shutdown');
      await this.relay.stop();
      await this.nats.drain();
      this.log.info('messaging stopped');
    })();
    return this.closing;
  }

  private async startConsumer(pattern: string, handler: MessageHandler): Promise<void> {
    const definition = this.consumers.find((c) => c.subject === pattern);
    if (!definition) {
      throw new Error(`${this.service} handles ${pattern} but contracts define no consumer for it`);
    }
    await this.provisioner.ensureConsumer(definition);
    const consumer = await this.nats.js.consumers.get(
      this.nats.namespace.stream(definition.stream),
      definition.durable,
    );
    const pull = await consumer.consume({ max_messages: definition.concurrency * 2 });
    this.pulls.push(pull);
    const slots = new Semaphore(definition.concurrency);
    void (async () => {
      for await (const message of pull) {
        if (this.stopping) {
          message.nak(); // hand it straight to another instance
          continue;
        }
        await slots.acquire();
        void this.inFlight.track(
          this.handleDelivery(definition, handler, message).finally(() => slots.release()),
        );
      }
    })().catch((error) =>
      this.log.error({ err: error, consumer: definition.durable }, 'consumer loop ended'),
    );
    this.log.info({ consumer: definition.durable, subject: pattern }, 'consuming');
  }

  private async handleDelivery(definition: ConsumerDefinition, handler: MessageHandler, message: JsMsg) {
    const subject = this.nats.namespace.stripSubject(message.subject) as Subject;
    const deliveryCount = message.info.deliveryCount;
    let envelope;
    try {
      envelope = parseEnvelope(message.data, PayloadClasses[subject] ?? PayloadClasses[definition.subject]);
    } catch (error) {
      await this.giveUp(definition, message, 'invalid_message', error);
      return;
    }
    const context = new MessageContext(
      subject,
      definition.durable,
      envelope.id,
      deliveryCount,
      definition.maxDeliver,
      message.info.streamSequence,
    );
    await RequestContext.run(
      { correlationId: envelope.correlation_id, causationId: envelope.id },
      async () => {
        try {
          await this.tx.transaction(async () => {
            const fresh = await this.inbox.markProcessed(definition.durable, envelope.id);
            if (fresh) await this.invoke(handler, envelope, context);
          });
          message.ack();
        } catch (error) {
          if (error instanceof PermanentError || error instanceof InvalidMessageError) {
            await this.giveUp(definition, message, 'permanent_error', error);
          } else if (deliveryCount >= definition.maxDeliver) {
            await this.giveUp(definition, message, 'max_deliver_exceeded', error);
          } else {
            const retryAfterMs = (error as { retryAfterMs?: number }).retryAfterMs;
            const delay = redeliveryDelayMs(
              definition,
              deliveryCount,
              this.config.MESSAGING_BACKOFF_SCALE,
              retryAfterMs,
            );
            this.log.warn(
              {
                err: error,
                consumer: definition.durable,
                message_id: envelope.id,
                delivery: deliveryCount,
                delay_ms: delay,
              },
              'handler failed, redelivering later',
            );
            message.nak(delay);
          }
        }
      },
    );
  }

  /**
   * Records a dead letter, then terminates. A plain term: nats-server before 2.10.4 ignores a TERM that
   * carries a reason and redelivers after ack_wait. If recording fails, the message is redelivered, not lost.
   */
  private async giveUp(
    definition: ConsumerDefinition,
    message: JsMsg,
    reason: DeadLetterReason,
    error: unknown,
  ): Promise<void> {
    try {
      const recorded = await this.deadLetters.record(definition, message, reason, error);
      message.term();
      if (recorded) this.log.error({ err: error, consumer: definition.durable, reason }, 'message dead-lettered');
      else this.log.warn({ consumer: definition.durable, reason }, 'dead letter redelivered; terminated again');
    } catch (recordError) {
      this.log.error({ err: recordError }, 'could not record dead letter; redelivering');
      message.nak(
        redeliveryDelayMs(definition, message.info.deliveryCount, this.config.MESSAGING_BACKOFF_SCALE),
      );
    }
  }

  private startResponder(pattern: string, handle: RequestHandler): void {
    const subscription = this.nats.nc.subscribe(this.nats.namespace.subject(pattern), {
      queue: this.service,
      callback: (error, message) => {
        if (error) return this.log.error({ err: error }, 'responder subscription failed');
        void this.inFlight.track(this.answer(pattern, handle, message));
      },
    });
    this.responders.push(subscription);
  }

  private async answer(pattern: string, handle: RequestHandler, message: Msg): Promise<void> {
    const correlationId = message.headers?.get(CORRELATION_HEADER) || randomUUID();
    await RequestContext.run({ correlationId }, async () => {
      let reply: { ok: true; data: unknown } | { ok: false; error: ErrorBody };
      try {
        const data = message.data.length ? message.json() : {};
        const context = new MessageContext(pattern, 'request', correlationId, 1, 1, null);
        reply = { ok: true, data: (await handle(data, context)) ?? null };
      } catch (error) {
        reply = { ok: false, error: toErrorBody(error) };
        if (reply.error.status >= 500) this.log.error({ err: error, subject: pattern }, 'request failed');
      }
      const h = natsHeaders();
      h.set(CORRELATION_HEADER, correlationId);
      message.respond(JSON.stringify(reply), { headers: h });
    });
  }

  private async invoke(handler: MessageHandler, data: unknown, context: MessageContext): Promise<unknown> {
    const result = await handler(data, context);
    return lastValueFrom(this.transformToObservable(result), { defaultValue: undefined });
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
  return { code: ErrorCode.InternalError, message: 'Internal error', status: 500 };
}

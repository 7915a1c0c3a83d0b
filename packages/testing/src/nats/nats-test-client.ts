import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import { headers as natsHeaders } from '@nats-io/nats-core';
import {
  CORRELATION_HEADER,
  DomainError,
  type ErrorBody,
  type MessageEnvelope,
  type PayloadOf,
  type QuerySubject,
  type Subject,
} from '@crm/contracts';

/** A request-reply answer as it travels on the wire. */
export interface Reply<T> {
  ok: boolean;
  data?: T;
  error?: ErrorBody;
}

/** The test side of NATS, namespaced the way the services namespace themselves. */
export class NatsTestClient {
  private readonly subscriptions: Subscription[] = [];
  private jsm?: JetStreamManager;

  private constructor(
    readonly nc: NatsConnection,
    readonly js: JetStreamClient,
    readonly namespace: string,
  ) {}

  static async connect(
    namespace: string,
    url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
  ): Promise<NatsTestClient> {
    const nc = await connect({ servers: url });
    return new NatsTestClient(nc, jetstream(nc), namespace);
  }

  subject(subject: string): string {
    return `${this.namespace}.${subject}`;
  }

  stream(name: string): string {
    return `${this.namespace.toUpperCase()}_${name}`;
  }

  envelope<S extends Subject>(
    subject: S,
    data: PayloadOf[S],
    options: { id?: string; idempotencyKey?: string | null } = {},
  ): MessageEnvelope<PayloadOf[S]> {
    return {
      id: options.id ?? randomUUID(),
      type: subject,
      occurred_at: new Date().toISOString(),
      producer: 'test',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: options.idempotencyKey ?? null,
      data,
    };
  }

  /**
   * Publishes an envelope to JetStream. `dedupe: false` leaves out the Nats-Msg-Id, so the stream keeps a second
   * copy of the same envelope: that is how a redelivered/duplicated message reaches the consumer's inbox.
   */
  async publish(subject: Subject, envelope: MessageEnvelope<unknown>, options: { dedupe?: boolean } = {}) {
    return this.js.publish(this.subject(subject), JSON.stringify(envelope), {
      msgID: options.dedupe === false ? undefined : envelope.id,
    });
  }

  /**
   * Collects the envelopes published on `subject` from now on that `accept` lets through (core subscription:
   * JetStream publishes reach core subscribers too).
   */
  collect<T>(
    subject: Subject,
    accept: (envelope: MessageEnvelope<T>) => boolean = () => true,
  ): MessageEnvelope<T>[] {
    const received: MessageEnvelope<T>[] = [];
    const subscription = this.nc.subscribe(this.subject(subject), {
      callback: (error, message) => {
        if (error) return;
        const envelope = message.json<MessageEnvelope<T>>();
        if (accept(envelope)) received.push(envelope);
      },
    });
    this.subscriptions.push(subscription);
    return received;
  }

  /**
   * Publishes any payload as it is (also what is not a valid envelope, or not JSON at all) with an explicit
   * Nats-Msg-Id, the way a faulty producer or a re-publish would.
   */
  async publishRaw(subject: string, payload: string | object, msgID: string = randomUUID()) {
    return this.js.publish(
      this.subject(subject),
      typeof payload === 'string' ? payload : JSON.stringify(payload),
      {
        msgID,
      },
    );
  }

  /** A request-reply call, answered with the reply as it travels: `{ok:true,data}` or `{ok:false,error}`. */
  async requestReply<T>(
    subject: QuerySubject | string,
    data: unknown,
    timeoutMs = 10_000,
  ): Promise<Reply<T>> {
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, randomUUID());
    const reply = await this.nc.request(this.subject(subject), JSON.stringify(data), {
      timeout: timeoutMs,
      headers: h,
    });
    return reply.json<Reply<T>>();
  }

  /** A request to a service's `@OnRequest` handler; resolves with its data or rejects with its DomainError. */
  async request<T>(subject: QuerySubject | string, data: unknown, timeoutMs = 10_000): Promise<T> {
    const body = await this.requestReply<T>(subject, data, timeoutMs);
    if (!body.ok) throw DomainError.fromBody(body.error as ErrorBody);
    return body.data as T;
  }

  async manager(): Promise<JetStreamManager> {
    this.jsm ??= await jetstreamManager(this.nc);
    return this.jsm;
  }

  /** Number of messages a stream holds right now. */
  async streamMessages(stream: string): Promise<number> {
    return (await (await this.manager()).streams.info(this.stream(stream))).state.messages;
  }

  async consumerInfo(stream: string, durable: string) {
    return (await this.manager()).consumers.info(this.stream(stream), durable);
  }

  async close(): Promise<void> {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
    await this.nc.close();
  }
}

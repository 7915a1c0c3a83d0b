import { Injectable } from '@nestjs/common';
import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerConfig,
  type StreamConfig,
} from '@nats-io/jetstream';
import type { ConsumerDefinition, StreamDefinition } from '@crm/contracts';
import { NatsClient } from '../nats/nats-client';

const NANOS_PER_SECOND = 1_000_000_000;

/**
 * The server delivers a few times more than the consumer's own limit: the transport dead-letters on its last
 * delivery, and if that delivery dies (crash, ack_wait expiry, the dead letter could not be written) the server
 * still redelivers instead of dropping the message silently.
 */
export const SERVER_DELIVERY_HEADROOM = 5;

/**
 * Creates or updates streams and durable consumers from their definitions in contracts. Idempotent: every
 * instance of every service runs it at start, and concurrent runs converge.
 */
@Injectable()
export class StreamProvisioner {
  constructor(private readonly nats: NatsClient) {}

  async ensureStreams(streams: readonly StreamDefinition[]): Promise<void> {
    for (const definition of streams) await this.ensureStream(definition);
  }

  async ensureConsumer(definition: ConsumerDefinition): Promise<void> {
    const stream = this.nats.namespace.stream(definition.stream);
    const config: Partial<ConsumerConfig> = {
      durable_name: definition.durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.nats.namespace.subject(definition.subject),
      max_deliver: definition.maxDeliver + SERVER_DELIVERY_HEADROOM,
      ack_wait: definition.ackWaitSeconds * NANOS_PER_SECOND,
      max_ack_pending: definition.maxAckPending,
    };
    const existing = await this.nats.jsm.consumers.info(stream, definition.durable).catch(notFoundAsNull);
    if (!existing) {
      await this.nats.jsm.consumers.add(stream, config).catch(async (error) => {
        // Another instance created it first: converge by updating to our definition.
        if (!(error instanceof JetStreamApiError)) throw error;
        await this.nats.jsm.consumers.update(stream, definition.durable, withoutImmutable(config));
      });
      return;
    }
    const c = existing.config;
    if (
      c.max_deliver !== config.max_deliver ||
      c.ack_wait !== config.ack_wait ||
      c.max_ack_pending !== config.max_ack_pending ||
      c.filter_subject !== config.filter_subject
    ) {
      await this.nats.jsm.consumers.update(stream, definition.durable, withoutImmutable(config));
    }
  }

  private async ensureStream(definition: StreamDefinition): Promise<void> {
    const name = this.nats.namespace.stream(definition.name);
    const config: Partial<StreamConfig> & { name: string; subjects: string[] } = {
      name,
      subjects: definition.subjects.map((s) => this.nats.namespace.subject(s)),
      retention: definition.retention === 'workqueue' ? RetentionPolicy.Workqueue : RetentionPolicy.Limits,
      storage: StorageType.File,
      max_age: definition.maxAgeSeconds * NANOS_PER_SECOND,
      duplicate_window: definition.duplicateWindowSeconds * NANOS_PER_SECOND,
      num_replicas: 1,
    };
    const existing = await this.nats.jsm.streams.info(name).catch(notFoundAsNull);
    if (!existing) {
      await this.nats.jsm.streams.add(config).catch(async (error) => {
        if (!(error instanceof JetStreamApiError)) throw error;
        await this.nats.jsm.streams.update(name, config);
      });
      return;
    }
    const subjectsChanged =
      [...existing.config.subjects].sort().join() !== [...config.subjects!].sort().join();
    if (
      subjectsChanged ||
      existing.config.max_age !== config.max_age ||
      existing.config.duplicate_window !== config.duplicate_window
    ) {
      await this.nats.jsm.streams.update(name, config);
    }
  }
}

function notFoundAsNull(error: unknown): null {
  if (error instanceof JetStreamApiError && error.status === 404) return null;
  throw error;
}

function withoutImmutable(config: Partial<ConsumerConfig>): Partial<ConsumerConfig> {
  const { durable_name: _durable, ack_policy: _ack, deliver_policy: _deliver, ...rest } = config;
  return rest;
}

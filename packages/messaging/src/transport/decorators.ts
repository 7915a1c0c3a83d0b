import { EventPattern, MessagePattern } from '@nestjs/microservices';
import type { QuerySubject, Subject } from '@crm/contracts';

/** Identifies our transport, so Nest hands these handlers to it and to no other transport. */
export const NATS_TRANSPORT = Symbol('crm-nats-transport');

/** A durable JetStream consumer handler: at-least-once, transactional inbox, ack after commit. */
export const OnEvent = (subject: Subject): MethodDecorator =>
  EventPattern<string>(subject as string, NATS_TRANSPORT) as MethodDecorator;

/** A core-NATS request-reply handler for queries and synchronous commands (queue group per service). */
export const OnRequest = (subject: QuerySubject): MethodDecorator => MessagePattern(subject, NATS_TRANSPORT);

/**
 * A durable JetStream consumer handler for high-volume subjects: receives up to the consumer's batch size of
 * validated envelopes (`MessageEnvelope<T>[]`, stream order, each new to the inbox) and a BatchContext, all in
 * one transaction; each message is acked after that commit. When the handler throws, the batch is split and
 * retried in parts so one bad message fails alone. The handler must apply messages in the order given.
 */
export const OnEventBatch = (subject: Subject): MethodDecorator =>
  EventPattern<string>(subject as string, NATS_TRANSPORT, { batch: true }) as MethodDecorator;

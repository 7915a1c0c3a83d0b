import { EventPattern, MessagePattern } from '@nestjs/microservices';
import type { QuerySubject, Subject } from '@crm/contracts';

/** Identifies our transport, so Nest hands these handlers to it and to no other transport. */
export const NATS_TRANSPORT = Symbol('crm-nats-transport');

/**
 * Which durable consumer of contracts a handler runs as. Needed only when a service declares several consumers
 * of one subject (each module consuming it independently, with its own inbox and redeliveries); otherwise the
 * service's one consumer of the subject is used.
 */
export interface ConsumerHandlerOptions {
  consumer?: string;
}

/** A durable JetStream consumer handler: at-least-once, transactional inbox, ack after commit. */
export const OnEvent = (subject: Subject, options: ConsumerHandlerOptions = {}): MethodDecorator =>
  EventPattern<string>(subject as string, NATS_TRANSPORT, { ...options }) as MethodDecorator;

/** A core-NATS request-reply handler for queries and synchronous commands (queue group per service). */
export const OnRequest = (subject: QuerySubject): MethodDecorator => MessagePattern(subject, NATS_TRANSPORT);

/**
 * A durable JetStream consumer handler for high-volume subjects: receives up to the consumer's batch size of
 * validated envelopes (`MessageEnvelope<T>[]`, stream order, each new to the inbox) and a BatchContext, all in
 * one transaction; each message is acked after that commit. When the handler throws, the batch is split and
 * retried in parts so one bad message fails alone. The handler must apply messages in the order given.
 */
export const OnEventBatch = (subject: Subject, options: ConsumerHandlerOptions = {}): MethodDecorator =>
  EventPattern<string>(subject as string, NATS_TRANSPORT, { ...options, batch: true }) as MethodDecorator;

import { Injectable } from '@nestjs/common';
import { headers as natsHeaders, RequestError, TimeoutError } from '@nats-io/nats-core';
import {
  CORRELATION_HEADER,
  TIMEOUT_BUDGET_HEADER,
  DomainError,
  ErrorCode,
  type ErrorBody,
  type QuerySubject,
} from '@crm/contracts';
import { RequestContext } from '@crm/service-kit';
import { NatsClient } from '../nats/nats-client';

const DEFAULT_TIMEOUT_MS = 5000;

type Reply<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Core-NATS request-reply to another service; its DomainErrors come back as DomainErrors. */
@Injectable()
export class RpcClient {
  constructor(private readonly nats: NatsClient) {}

  async request<T>(
    subject: QuerySubject | string,
    data: unknown,
    options: { timeoutMs?: number } = {},
  ): Promise<T> {
    const service = subject.split('.')[0];
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const h = natsHeaders();
    h.set(CORRELATION_HEADER, RequestContext.correlationId());
    h.set(TIMEOUT_BUDGET_HEADER, String(timeoutMs));
    let reply;
    try {
      reply = await this.nats.nc.request(this.nats.namespace.subject(subject), JSON.stringify(data ?? {}), {
        timeout: timeoutMs,
        headers: h,
      });
    } catch (error) {
      if (isTimeout(error)) {
        throw new DomainError(
          ErrorCode.UpstreamTimeout,
          `The ${service} service did not answer in time`,
          504,
          {
            service,
          },
        );
      }
      throw new DomainError(ErrorCode.ServiceUnavailable, `The ${service} service is unavailable`, 503, {
        service,
        reason: error instanceof RequestError && error.isNoResponders() ? 'no_responders' : 'broker_error',
      });
    }
    const body = reply.json<Reply<T>>();
    if (body.ok) return body.data;
    throw DomainError.fromBody(body.error);
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof TimeoutError || (error instanceof Error && error.cause instanceof TimeoutError);
}

import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { from, of, switchMap, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { checkedIdempotencyKey } from '../events/idempotency-key';
import { GatewayErrors } from '../http/gateway-errors';
import { NO_IDEMPOTENCY_REPLAY } from './idempotency.decorators';
import {
  bodyHash,
  encodeRecord,
  IN_FLIGHT_TTL_MS,
  principalScope,
  recordId,
  verdictFor,
  type IdempotencyRecord,
} from './idempotency-record';
import { IdempotencyStore } from './idempotency.store';

/** Set on the request while it holds an in-flight marker; the onSend hook settles it with the response. */
export interface PendingIdempotency {
  id: string;
  marker: string;
  hash: string;
}

export interface IdempotentRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  body?: unknown;
  idempotency?: PendingIdempotency;
}

interface ReplyLike {
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
}

/**
 * api.md §1.5 `Idempotency-Key` on every POST: the first request runs and its answer (unless 5xx) is kept 24 h;
 * the same key and body again → that answer with `Idempotency-Replayed: true`; another body → 422; while the
 * first still runs → 409 with Retry-After 1. Without Redis such a request is refused with 503, never run unguarded.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: IdempotencyStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<IdempotentRequest>();
    if (request.method !== 'POST' || request.headers['idempotency-key'] === undefined) return next.handle();
    const header = request.headers['idempotency-key'];
    const key = checkedIdempotencyKey(Array.isArray(header) ? header[0] : header)!;
    if (
      this.reflector.getAllAndOverride<boolean>(NO_IDEMPOTENCY_REPLAY, [
        context.getHandler(),
        context.getClass(),
      ])
    )
      return next.handle();

    const id = recordId(principalScope(request.principal, request.ip), request.method, request.url, key);
    const hash = bodyHash(request.body);
    const marker = encodeRecord({ state: 'in_flight', token: randomUUID(), hash });
    return from(this.claim(id, marker)).pipe(
      switchMap((existing) => {
        if (existing === null) {
          request.idempotency = { id, marker, hash };
          return next.handle();
        }
        const verdict = verdictFor(existing, hash);
        if (verdict.kind === 'reused') throw GatewayErrors.idempotencyKeyReused();
        if (verdict.kind === 'in_progress') throw GatewayErrors.idempotencyInProgress();
        const reply = context.switchToHttp().getResponse<ReplyLike>();
        reply.status(verdict.record.status).header('Idempotency-Replayed', 'true');
        if (verdict.record.content_type) reply.header('Content-Type', verdict.record.content_type);
        return of(verdict.record.body === '' ? undefined : verdict.record.body);
      }),
    );
  }

  private async claim(id: string, marker: string): Promise<IdempotencyRecord | null> {
    try {
      return await this.store.claim(id, marker, IN_FLIGHT_TTL_MS);
    } catch {
      throw GatewayErrors.serviceUnavailable(
        'Idempotency-Key cannot be honoured right now (idempotency store unavailable); retry later',
      );
    }
  }
}

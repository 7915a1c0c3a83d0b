import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { RequestContext } from '@crm/service-kit';
import { Observable } from 'rxjs';
import type { GatewayRequest } from './gateway-request';

/**
 * Runs the handler inside the request's RequestContext, so logs, RPC requests and JetStream publishes carry the
 * correlation id (X-Correlation-ID, else the request id). The handler starts inside `subscribe`, hence the wrap.
 */
@Injectable()
export class RequestContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ids = context.switchToHttp().getRequest<GatewayRequest>().ids;
    if (!ids) return next.handle();
    return new Observable((subscriber) =>
      RequestContext.run({ correlationId: ids.correlationId, requestId: ids.requestId }, () =>
        next.handle().subscribe(subscriber),
      ),
    );
  }
}

import { Catch, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AppLogger } from '@crm/service-kit';
import { toErrorEnvelope } from './error-envelope';
import { bodyLimitOf } from './http-limits';
import { requestIdsOf, type GatewayRequest } from './gateway-request';

interface ReplyLike {
  sent: boolean;
  status(code: number): ReplyLike;
  header(name: string, value: string): ReplyLike;
  send(body: unknown): unknown;
}

/** Renders every error on every path as `{"error":{code,message,details?,request_id}}` (api.md §1.3). */
@Catch()
@Injectable()
export class ErrorEnvelopeFilter implements ExceptionFilter {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(logger: AppLogger) {
    this.log = logger.child('http');
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<GatewayRequest>();
    const reply = http.getResponse<ReplyLike>();
    const envelope = toErrorEnvelope(exception, bodyLimitOf(request.routeOptions?.url));
    const requestId = requestIdsOf(request).requestId;

    const logFields = {
      request_id: requestId,
      method: request.method,
      route: request.routeOptions?.url,
      status: envelope.status,
      code: envelope.code,
    };
    if (envelope.unexpected) this.log.error({ ...logFields, err: exception }, 'request failed unexpectedly');
    else if (envelope.status >= 500) this.log.warn(logFields, envelope.message);
    else this.log.debug(logFields, envelope.message);

    if (reply.sent) return;
    reply.status(envelope.status).header('X-Request-ID', requestId);
    if (envelope.retryAfterSeconds !== undefined)
      reply.header('Retry-After', String(envelope.retryAfterSeconds));
    reply.send({
      error: {
        code: envelope.code,
        message: envelope.message,
        ...(envelope.details ? { details: envelope.details } : {}),
        request_id: requestId,
      },
    });
  }
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { requestIdsOf, type GatewayRequest } from '../http/gateway-request';
import type { IngestInput } from './ingest.service';

/**
 * What the ingest routes (api.md §4.1, §4.1a, §4.2) hand to their service: the body, the `Idempotency-Key` header,
 * and whether X-Correlation-ID named the flow.
 */
export const IngestRequestInput = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): IngestInput => {
    const request = ctx.switchToHttp().getRequest<GatewayRequest>();
    const idempotencyKey = request.headers['idempotency-key'];
    return {
      body: request.body,
      idempotencyKey: Array.isArray(idempotencyKey) ? idempotencyKey[0] : idempotencyKey,
      correlationIdFromClient: requestIdsOf(request).correlationIdFromClient,
    };
  },
);

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { GatewayRequest } from './gateway-request';
import type { RequestIds } from './request-ids';

/** The request and correlation ids the first hook resolved. */
export const CurrentRequestIds = createParamDecorator((_data: unknown, ctx: ExecutionContext): RequestIds => {
  const ids = ctx.switchToHttp().getRequest<GatewayRequest>().ids;
  if (!ids) throw new Error('request ids missing: registerHttpHooks was not applied');
  return ids;
});

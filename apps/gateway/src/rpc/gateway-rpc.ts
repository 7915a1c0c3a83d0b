import { Injectable } from '@nestjs/common';
import type { QuerySubject } from '@crm/contracts';
import { RpcClient } from '@crm/messaging';
import { GatewayConfig } from '../config/gateway.config';

/**
 * Request-reply to the owning services with the gateway's timeout. Failures arrive as DomainErrors: the remote
 * one (404, 409, …), 503 SERVICE_UNAVAILABLE when nobody answers, 504 UPSTREAM_TIMEOUT.
 */
@Injectable()
export class GatewayRpc {
  constructor(
    private readonly client: RpcClient,
    private readonly config: GatewayConfig,
  ) {}

  request<T>(query: QuerySubject, data: object, timeoutMs = this.config.RPC_TIMEOUT_MS): Promise<T> {
    return this.client.request<T>(query, data, { timeoutMs });
  }
}

/** Lists without pagination are `{data}` on the wire (api.md §1.1), whether a service returns the array or the wrapper. */
export function asDataList<T>(result: T[] | { data: T[] }): { data: T[] } {
  return Array.isArray(result) ? { data: result } : result;
}

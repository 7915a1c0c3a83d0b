import { Injectable } from '@nestjs/common';
import {
  ListTriggerRunsQuery,
  Queries,
  RetryTriggerRunBody,
  type Page,
  type RetryTriggerRunCommand,
  type TriggerRunView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** Trigger runs are owned by automation (api.md §9). */
@Injectable()
export class TriggerRunsService {
  constructor(private readonly rpc: GatewayRpc) {}

  list(query: unknown): Promise<Page<TriggerRunView>> {
    return this.rpc.request(Queries.AutomationListRuns, validateInput(ListTriggerRunsQuery, query));
  }

  get(id: string): Promise<TriggerRunView> {
    return this.rpc.request(Queries.AutomationGetRun, { id });
  }

  async retry(principal: Principal, runId: string, body: unknown): Promise<{ data: TriggerRunView }> {
    const command: RetryTriggerRunCommand = {
      actor: actorOf(principal),
      run_id: runId,
      // The body is optional: a bare POST retries for real.
      body: validateInput(RetryTriggerRunBody, body ?? {}),
    };
    const run = await this.rpc.request<TriggerRunView | { data: TriggerRunView }>(
      Queries.AutomationRetryRun,
      command,
    );
    return 'data' in run ? run : { data: run };
  }
}

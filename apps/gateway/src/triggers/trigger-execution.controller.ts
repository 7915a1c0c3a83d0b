import { Body, Controller, Post, Res } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ExecuteTriggerBody, type TriggerExecutionView } from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { ContractBody } from '../openapi/contract-schema.decorators';
import { TriggerExecutionService } from './trigger-execution.service';

interface StatusReply {
  status(code: number): unknown;
}

@Controller(`${API_PREFIX}/triggers`)
export class TriggerExecutionController {
  constructor(private readonly execution: TriggerExecutionService) {}

  /** api.md §9: 200 with the outcome, or 202 `running` when it takes longer than 10 s. */
  @Post('execute')
  @ConfigAccess()
  @ContractBody(ExecuteTriggerBody)
  @ApiResponse({ status: 200, description: 'The run finished (success or not) or was a dry run' })
  @ApiResponse({ status: 202, description: 'The run is still running after 10 s' })
  async execute(
    @CurrentPrincipal() principal: Principal,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<TriggerExecutionView | { success: true; action: string; run_id: string; status: 'running' }> {
    const { finished, view } = await this.execution.execute(principal, body);
    if (!finished) {
      reply.status(202);
      return { success: true, action: view.action, run_id: view.run_id, status: 'running' };
    }
    reply.status(200);
    return view;
  }
}

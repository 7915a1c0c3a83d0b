import { Injectable } from '@nestjs/common';
import {
  Queries,
  ReplaceStageTriggersBody,
  type GetStageTriggersQuery,
  type ReplaceStageTriggersCommand,
  type StageRef,
  type StageTriggersView,
  type StageDetailView,
  type TriggerView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

export interface ReplacedStageTriggers {
  success: true;
  stage_id: string;
  triggers_count: number;
  configured_triggers: TriggerView[];
}

/**
 * Stage triggers (api.md §9): the stage belongs to leads, its triggers to automation. The gateway resolves the
 * stage first (404 for an unknown one, and its name), then asks automation.
 */
@Injectable()
export class StageTriggersService {
  constructor(private readonly rpc: GatewayRpc) {}

  async get(stageId: string): Promise<StageTriggersView> {
    const query: GetStageTriggersQuery = { stage: await this.stageRef(stageId) };
    return this.rpc.request(Queries.AutomationGetStageTriggers, query);
  }

  async replace(principal: Principal, stageId: string, body: unknown): Promise<ReplacedStageTriggers> {
    const validBody = validateInput(ReplaceStageTriggersBody, body);
    const command: ReplaceStageTriggersCommand = {
      actor: actorOf(principal),
      stage: await this.stageRef(stageId),
      body: validBody,
    };
    const saved = await this.rpc.request<
      Partial<ReplacedStageTriggers> & { configured_triggers: TriggerView[] }
    >(Queries.AutomationReplaceStageTriggers, command);
    return {
      success: true,
      stage_id: stageId,
      triggers_count: saved.triggers_count ?? saved.configured_triggers.length,
      configured_triggers: saved.configured_triggers,
    };
  }

  private async stageRef(stageId: string): Promise<StageRef> {
    const stage = await this.rpc.request<StageDetailView>(Queries.LeadsGetStage, { id: stageId });
    return { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id };
  }
}

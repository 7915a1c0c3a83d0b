import { Injectable } from '@nestjs/common';
import {
  DomainError,
  Queries,
  type StageView,
  type StagesTriggersView,
  type TriggerView,
} from '@crm/contracts';
import { AppLogger } from '@crm/service-kit';
import { GatewayRpc } from '../rpc/gateway-rpc';

/**
 * A stage of a list (api.md §7): its triggers as `automation_config`, or null when automation could not be asked
 * (`[]` means "no triggers", null "not known now").
 */
export type ListedStageView = StageView & { automation_config: TriggerView[] | null };

/**
 * Fills `automation_config` into the stages leads lists, with one request to automation for all of them. When
 * automation fails (down, timed out, 5xx) the stages are still shown, each with `automation_config: null`, and a
 * warning is logged: the board must not go dark because triggers cannot be read.
 */
@Injectable()
export class StageAutomationConfig {
  private readonly log: ReturnType<AppLogger['child']>;

  constructor(
    private readonly rpc: GatewayRpc,
    logger: AppLogger,
  ) {
    this.log = logger.child('stage-automation-config');
  }

  async merge(stages: StageView[]): Promise<ListedStageView[]> {
    if (!stages.length) return [];
    const lists = await this.triggerLists(stages.map((stage) => stage.id));
    return stages.map((stage) => ({
      ...stage,
      automation_config: lists ? (lists.get(stage.id) ?? []) : null,
    }));
  }

  private async triggerLists(stageIds: string[]): Promise<Map<string, TriggerView[]> | null> {
    try {
      const answer = await this.rpc.request<StagesTriggersView>(Queries.AutomationListStagesTriggers, {
        stage_ids: stageIds,
      });
      return new Map(answer.data.map((row) => [row.stage_id, row.configured_triggers]));
    } catch (error) {
      if (!(error instanceof DomainError) || error.status < 500) throw error;
      this.log.warn(
        { error_code: error.code, stages: stageIds.length },
        'automation did not answer: stages shown with automation_config null',
      );
      return null;
    }
  }
}

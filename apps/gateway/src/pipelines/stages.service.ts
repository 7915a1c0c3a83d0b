import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  CreateStageBody,
  DomainError,
  ErrorCode,
  Queries,
  ReorderStagesBody,
  UpdateStageBody,
  ValidationFailedError,
  type ReplaceStageTriggersCommand,
  type StageRef,
  type StageTriggersView,
  type StageView,
  type TriggerInput,
  type TriggerView,
  type ValidationIssue,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { asDataList, GatewayRpc } from '../rpc/gateway-rpc';
import { StageAutomationConfig, type ListedStageView } from './stage-automation-config';

/** A stage as api.md §7 shows it after an edit: with its triggers (`automation_config`, owned by automation). */
export type ConfiguredStageView = StageView & { automation_config: TriggerView[] };

/**
 * Stage edits (api.md §7). The stage belongs to leads, its `automation_config` (= triggers, §9) to automation.
 * A body with `automation_config` is checked by automation first (nothing saved), then the stage is written in
 * leads, then the triggers are saved: a bad trigger list changes nothing.
 */
@Injectable()
export class StagesService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly automationConfig: StageAutomationConfig,
  ) {}

  async create(principal: Principal, pipelineId: string, body: unknown): Promise<ConfiguredStageView> {
    const { automation_config: triggers, ...fields } = validateInput(CreateStageBody, body);
    // Minted here so automation can check the triggers against the stage before it exists.
    const stageId = randomUUID();
    if (triggers) {
      await this.replaceTriggers(
        principal,
        { id: stageId, name: fields.name, pipeline_id: pipelineId },
        triggers,
        true,
      );
    }
    const stage = await this.rpc.request<StageView>(Queries.LeadsCreateStage, {
      actor: actorOf(principal),
      pipeline_id: pipelineId,
      stage_id: stageId,
      body: fields,
    });
    return {
      ...stage,
      automation_config: triggers ? await this.replaceTriggers(principal, refOf(stage), triggers, false) : [],
    };
  }

  async update(principal: Principal, id: string, body: unknown): Promise<ConfiguredStageView> {
    const { automation_config: triggers, ...fields } = validateInput(UpdateStageBody, body);
    if (triggers) {
      const current = await this.rpc.request<StageView>(Queries.LeadsGetStage, { id });
      await this.replaceTriggers(
        principal,
        { ...refOf(current), name: fields.name ?? current.name },
        triggers,
        true,
      );
    }
    const stage = await this.rpc.request<StageView>(Queries.LeadsUpdateStage, {
      actor: actorOf(principal),
      id,
      body: fields,
    });
    const configured = triggers
      ? await this.replaceTriggers(principal, refOf(stage), triggers, false)
      : (
          await this.rpc.request<StageTriggersView>(Queries.AutomationGetStageTriggers, {
            stage: refOf(stage),
          })
        ).configured_triggers;
    return { ...stage, automation_config: configured };
  }

  async reorder(
    principal: Principal,
    pipelineId: string,
    body: unknown,
  ): Promise<{ data: ListedStageView[] }> {
    const { data } = asDataList(
      await this.rpc.request<StageView[] | { data: StageView[] }>(Queries.LeadsReorderStages, {
        actor: actorOf(principal),
        pipeline_id: pipelineId,
        body: validateInput(ReorderStagesBody, body),
      }),
    );
    return { data: await this.automationConfig.merge(data) };
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.rpc.request(Queries.LeadsDeleteStage, { actor: actorOf(principal), id });
  }

  /** Automation's 400s name the body's `automation_config`, not its own `triggers`. */
  private async replaceTriggers(
    principal: Principal,
    stage: StageRef,
    triggers: TriggerInput[],
    validateOnly: boolean,
  ): Promise<TriggerView[]> {
    const command: ReplaceStageTriggersCommand = {
      actor: actorOf(principal),
      stage,
      body: { triggers },
      validate_only: validateOnly,
    };
    try {
      const saved = await this.rpc.request<{ configured_triggers: TriggerView[] }>(
        Queries.AutomationReplaceStageTriggers,
        command,
      );
      return saved.configured_triggers;
    } catch (error) {
      const issues = (error as DomainError).details?.validation_errors as ValidationIssue[] | undefined;
      if (error instanceof DomainError && error.code === ErrorCode.ValidationError && issues) {
        throw new ValidationFailedError(
          issues.map((issue) => ({
            ...issue,
            path: issue.path.replace(/^(body\.)?triggers/, 'automation_config'),
          })),
          error.message,
        );
      }
      throw error;
    }
  }
}

function refOf(stage: StageView): StageRef {
  return { id: stage.id, name: stage.name, pipeline_id: stage.pipeline_id };
}

import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  ValidationFailedError,
  type GetStageTriggersQuery,
  type ListStagesTriggersQuery,
  type ReplaceStageTriggersCommand,
  type StageTriggersView,
  type StagesTriggersView,
  type TriggerView,
  type ValidationIssue,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { StageTriggerEntity } from './stage-trigger.entity';
import { StageTriggersRepository } from './stage-triggers.repository';
import { ACTION_SPECS } from './trigger-actions';
import { legacyShapeIssue, validateActionConfig, validateConditions } from './trigger-validation';
import { toTriggerView } from './trigger.view';

export interface ReplaceStageTriggersResult {
  success: true;
  stage_id: string;
  triggers_count: number;
  configured_triggers: TriggerView[];
}

/** A stage's ordered trigger list (api.md §9): read it, replace it as a whole. */
@Injectable()
export class StageTriggersService {
  private readonly log: Logger;

  constructor(
    private readonly triggers: StageTriggersRepository,
    private readonly tx: TransactionHost,
    logger: AppLogger,
  ) {
    this.log = logger.child('stage-triggers');
  }

  async getStageTriggers(query: GetStageTriggersQuery): Promise<StageTriggersView> {
    const configured = await this.triggers.listForStage(query.stage.id);
    return {
      stage_id: query.stage.id,
      stage_name: query.stage.name,
      available_actions: ACTION_SPECS.map((spec) => ({
        action: spec.action,
        description: spec.description,
        required_fields: spec.config.filter((f) => f.required).map((f) => f.name),
        config_fields: spec.config.map((f) => ({ name: f.name, type: f.type, required: f.required })),
      })),
      configured_triggers: configured.map(toTriggerView),
    };
  }

  /** The trigger lists of many stages at once (api.md §7 stage lists); a stage without triggers has `[]`. */
  async listStagesTriggers(query: ListStagesTriggersQuery): Promise<StagesTriggersView> {
    const byStage = new Map<string, TriggerView[]>();
    for (const row of await this.triggers.listForStages(query.stage_ids)) {
      const list = byStage.get(row.stage_id) ?? [];
      list.push(toTriggerView(row));
      byStage.set(row.stage_id, list);
    }
    return {
      data: query.stage_ids.map((stageId) => ({
        stage_id: stageId,
        configured_triggers: byStage.get(stageId) ?? [],
      })),
    };
  }

  /**
   * Validates the whole list first (nothing changes on a 400), then swaps it in one transaction; with
   * `validate_only` it stops after the checks and answers what would be saved.
   */
  async replaceStageTriggers(command: ReplaceStageTriggersCommand): Promise<ReplaceStageTriggersResult> {
    const { stage } = command;
    const issues: ValidationIssue[] = [];
    const now = new Date();
    const rows: StageTriggerEntity[] = [];
    const seenIds = new Set<string>();

    command.body.triggers.forEach((input, index) => {
      const path = `triggers.${index}`;
      const raw = input as unknown as Record<string, unknown>;
      const legacy = legacyShapeIssue(raw, path);
      if (legacy) {
        issues.push(legacy);
        return;
      }
      const config = validateActionConfig(input.action, input.config ?? {}, `${path}.config`);
      const conditions = validateConditions(
        input.conditions as Record<string, unknown> | undefined,
        `${path}.conditions`,
      );
      issues.push(...config.issues, ...conditions.issues);
      if (input.id && seenIds.has(input.id)) {
        issues.push({ path: `${path}.id`, message: 'the same trigger id appears twice', code: 'duplicate' });
      }
      const id = input.id ?? randomUUID();
      seenIds.add(id);
      rows.push(
        Object.assign(new StageTriggerEntity(), {
          id,
          stage_id: stage.id,
          pipeline_id: stage.pipeline_id,
          stage_name: stage.name,
          position: index,
          action: input.action,
          name: input.name ?? null,
          description: input.description ?? null,
          on: input.on ?? 'enter',
          conditions: conditions.conditions,
          config: config.config,
          enabled: input.enabled ?? true,
          created_at: now,
          updated_at: now,
        }),
      );
    });
    if (issues.length) throw new ValidationFailedError(issues, 'Invalid stage triggers');

    await this.tx.transaction(async () => {
      const existing = await this.triggers.findByIds([...seenIds]);
      const elsewhere = existing.filter((t) => t.stage_id !== stage.id);
      if (elsewhere.length) {
        throw new ValidationFailedError(
          elsewhere.map((t) => ({
            path: `triggers.${rows.findIndex((r) => r.id === t.id)}.id`,
            message: 'this trigger id belongs to another stage',
            code: 'foreignTrigger',
          })),
          'Invalid stage triggers',
        );
      }
      if (command.validate_only) return;
      // A trigger that stays keeps its creation time.
      for (const row of rows) {
        const before = existing.find((t) => t.id === row.id);
        if (before) row.created_at = before.created_at;
      }
      await this.triggers.replaceForStage(stage.id, rows);
    });
    if (!command.validate_only) {
      this.log.info({ stage_id: stage.id, triggers_count: rows.length }, 'stage triggers replaced');
    }
    return {
      success: true,
      stage_id: stage.id,
      triggers_count: rows.length,
      configured_triggers: rows.map(toTriggerView),
    };
  }
}

import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  Subjects,
  UpdateLeadBody,
  validatePlain,
  type LeadsMoveToStageV1,
  type LeadsRuleAction,
  type LeadsRuleActionFailedV1,
  type LeadsRuleActionSucceededV1,
  type LeadsUpdateFieldV1,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { DealRepository } from '../deals/deal.repository';
import { DealsService } from '../deals/deals.service';
import { LeadRecordsService } from '../leads/lead-records.service';
import { LeadRepository } from '../leads/lead.repository';
import { PipelineRepository } from '../pipelines/pipeline.repository';

export interface RuleCommand<C> {
  idempotencyKey: string;
  command: C;
  deliveryCount: number;
}

const AUTOMATION_ACTOR = { type: 'system' as const, id: 'automation', name: 'Automation rule' };

/** Fields a rule may set that leads owns; `primary_intent` is scoring's (leads only mirrors it). */
const EDITABLE_BY_RULES = new Set(['status', 'lifecycle_stage']);

/**
 * `update_field` of automation rules (api.md §12): sets the field through the same path as `PATCH /leads/:id`
 * (so `lead.updated` and fit-profile changes follow), in the consumer's transaction, and answers with a result.
 * Setting a value twice changes nothing the second time, so a redelivered command is harmless.
 */
@Injectable()
export class RuleActionsService {
  private readonly log: Logger;

  constructor(
    private readonly records: LeadRecordsService,
    private readonly leads: LeadRepository,
    private readonly deals: DealRepository,
    private readonly dealMoves: DealsService,
    private readonly pipelines: PipelineRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('rule-actions');
  }

  async updateField({
    idempotencyKey,
    command,
    deliveryCount,
  }: RuleCommand<LeadsUpdateFieldV1>): Promise<void> {
    const body = { [command.field]: command.value };
    if (!EDITABLE_BY_RULES.has(command.field)) {
      return this.refuse(
        idempotencyKey,
        command,
        deliveryCount,
        'field_not_editable',
        `${command.field} is set by scoring, not by leads`,
      );
    }
    const checked = validatePlain(UpdateLeadBody, body);
    if (!checked.ok) {
      return this.refuse(
        idempotencyKey,
        command,
        deliveryCount,
        'invalid_value',
        `${command.value} is not a valid ${command.field}`,
      );
    }
    const lead = await this.leads.findById(command.lead_id);
    const before = lead ? (command.field === 'status' ? lead.status : lead.lifecycleStage) : null;
    try {
      await this.records.update({
        actor: AUTOMATION_ACTOR,
        id: command.lead_id,
        body: checked.value,
      });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      return this.refuse(
        idempotencyKey,
        command,
        deliveryCount,
        'lead_not_found',
        'The lead does not exist (any more)',
      );
    }
    const succeeded: LeadsRuleActionSucceededV1 = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      action: 'update_field',
      lead_id: command.lead_id,
      result: {
        field: command.field,
        value: command.value,
        previous_value: before,
        changed: before !== command.value,
      },
      attempts: deliveryCount,
    };
    await this.outbox.publish(Subjects.LeadsRuleActionSucceeded, succeeded);
  }

  /**
   * Moves the firing's deal (or the lead's only open deal) into the stage with the slug, through the same move
   * as `POST /deals/:id/move` (history reason `automation`), so the stage's triggers run. A deal already there
   * stays, so a redelivered command moves nothing twice.
   */
  async moveToStage({
    idempotencyKey,
    command,
    deliveryCount,
  }: RuleCommand<LeadsMoveToStageV1>): Promise<void> {
    const refuse = (code: string, message: string) =>
      this.refuse(idempotencyKey, command, deliveryCount, code, message, 'move_to_stage');
    let dealId = command.deal_id ?? null;
    if (!dealId) {
      const open = (await this.deals.findOpenDeals([command.lead_id])).filter(
        (deal) => !command.pipeline_id || deal.pipelineId === command.pipeline_id,
      );
      if (open.length !== 1) {
        return refuse(
          open.length ? 'ambiguous_deal' : 'no_open_deal',
          open.length
            ? 'The lead has several open deals; the rule names no pipeline to choose'
            : 'The lead has no open deal',
        );
      }
      dealId = open[0].id;
    }
    const deal = await this.deals.lockById(dealId);
    if (!deal) return refuse('deal_not_found', 'The deal does not exist (any more)');
    if (deal.status !== 'open') return refuse('deal_closed', `The deal is ${deal.status}`);
    const target = (await this.pipelines.listStages(deal.pipelineId)).find(
      (s) => s.slug === command.target_stage,
    );
    if (!target) return refuse('stage_not_found', `The deal's pipeline has no stage ${command.target_stage}`);
    const moved = target.id !== deal.stageId;
    if (moved) {
      await this.dealMoves.moveDealForAutomation({
        actor: AUTOMATION_ACTOR,
        deal_id: deal.id,
        body: { stage_id: target.id },
      });
    }
    const succeeded: LeadsRuleActionSucceededV1 = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      action: 'move_to_stage',
      lead_id: command.lead_id,
      result: { deal_id: deal.id, from_stage_id: deal.stageId, to_stage_id: target.id, moved },
      attempts: deliveryCount,
    };
    await this.outbox.publish(Subjects.LeadsRuleActionSucceeded, succeeded);
  }

  private async refuse(
    idempotencyKey: string,
    command: { lead_id: string; reference?: string | null },
    deliveryCount: number,
    code: string,
    message: string,
    action: LeadsRuleAction = 'update_field',
  ): Promise<void> {
    const failed: LeadsRuleActionFailedV1 = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      action,
      lead_id: command.lead_id,
      error: { code, message, retryable: false, vendor_status: null },
      attempts: deliveryCount,
    };
    await this.outbox.publish(Subjects.LeadsRuleActionFailed, failed);
    this.log.warn({ code, reference: command.reference ?? null }, 'rule action refused');
  }
}

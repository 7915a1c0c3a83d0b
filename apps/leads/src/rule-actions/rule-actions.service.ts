import { Injectable } from '@nestjs/common';
import {
  NotFoundError,
  Subjects,
  UpdateLeadBody,
  validatePlain,
  type LeadsRuleActionFailedV1,
  type LeadsRuleActionSucceededV1,
  type LeadsUpdateFieldV1,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger } from '@crm/service-kit';
import type { Logger } from 'pino';
import { LeadRecordsService } from '../leads/lead-records.service';
import { LeadRepository } from '../leads/lead.repository';

export interface UpdateFieldForCommand {
  idempotencyKey: string;
  command: LeadsUpdateFieldV1;
  deliveryCount: number;
}

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
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('rule-actions');
  }

  async updateField({ idempotencyKey, command, deliveryCount }: UpdateFieldForCommand): Promise<void> {
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
        actor: { type: 'system', id: 'automation', name: 'Automation rule' },
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

  private async refuse(
    idempotencyKey: string,
    command: LeadsUpdateFieldV1,
    deliveryCount: number,
    code: string,
    message: string,
  ): Promise<void> {
    const failed: LeadsRuleActionFailedV1 = {
      idempotency_key: idempotencyKey,
      reference: command.reference ?? null,
      action: 'update_field',
      lead_id: command.lead_id,
      error: { code, message, retryable: false, vendor_status: null },
      attempts: deliveryCount,
    };
    await this.outbox.publish(Subjects.LeadsRuleActionFailed, failed);
    this.log.warn({ code, reference: command.reference ?? null }, 'rule action refused');
  }
}

import { Injectable } from '@nestjs/common';
import {
  PayloadClasses,
  Subjects,
  validatePlain,
  type LeadsCreateTaskV1,
  type LeadsMoveToStageV1,
  type LeadsUpdateFieldV1,
  type LeadView,
  type MocoSyncOperation,
  type MocoSyncV1,
  type PayloadOf,
  type RuleUpdatableField,
  type Subject,
  type TaskPriority,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import type { AutomationRuleEntity } from './automation-rule.entity';
import type { RuleLogEntity } from './rule-log.entity';
import { renderRuleTemplate } from './rule-template';

/** The deal a firing is about, as far as its cause described it (a time-in-stage sweep knows only its id). */
export interface FiringDeal {
  id: string;
  name: string | null;
  value: number | null;
  currency: string | null;
}

/** What an action may need of its cause: the lead (from leads), the deal, the score that crossed. */
export interface FiringContext {
  lead: LeadView | null;
  deal: FiringDeal | null;
  score: number | null;
}

const DAY_MS = 86_400_000;
const DEFAULT_NOTIFICATION =
  'Automation rule "{rule}" fired for {lead.first_name} {lead.last_name} <{lead.email}>';

const SYNC_OPERATIONS: Record<string, MocoSyncOperation> = {
  create_customer: 'create_customer',
  create_deal: 'create_deal',
  create_offer: 'create_offer',
  create_project: 'create_project',
  create_invoice: 'create_invoice_draft',
};

/** The idempotency key of a firing's command: one firing, one command, whatever is redelivered. */
export function ruleCommandKey(logId: string): string {
  return `automation-rule:${logId}`;
}

/**
 * Carries out a firing's action: a durable command through the outbox (it leaves only if the log row commits),
 * recorded on the log row. An action no service executes yet is logged as failed, never as a success.
 */
@Injectable()
export class RuleActionDispatcher {
  constructor(private readonly outbox: Outbox) {}

  async dispatch(rule: AutomationRuleEntity, log: RuleLogEntity, context: FiringContext): Promise<void> {
    switch (rule.action_type) {
      case 'send_notification':
        return this.notify(rule, log, context);
      case 'sync_moco':
        return this.syncMoco(rule, log, context);
      case 'create_task':
        return this.createTask(rule, log, context);
      case 'update_field':
        return this.updateField(rule, log);
      case 'move_to_stage':
        return this.moveToStage(rule, log, context);
      default:
        // assign_owner and route_to_pipeline wait for leads commands that do not exist yet.
        return notAvailable(log, rule.action_type);
    }
  }

  private async notify(
    rule: AutomationRuleEntity,
    log: RuleLogEntity,
    context: FiringContext,
  ): Promise<void> {
    const config = rule.action_config as { channel: string; message?: string; template?: string };
    const lead = context.lead;
    const template = (config.message ?? config.template ?? DEFAULT_NOTIFICATION).replace('{rule}', rule.name);
    const text = renderRuleTemplate(template, {
      lead: {
        first_name: lead?.first_name,
        last_name: lead?.last_name,
        email: lead?.email,
        score: context.score ?? lead?.total_score,
      },
      deal: { name: context.deal?.name, value: context.deal?.value },
    });
    await this.send(log, Subjects.SlackPostMessage, {
      channel: config.channel,
      text,
      reference: log.id,
    });
    log.action_result = { command: Subjects.SlackPostMessage, channel: config.channel };
  }

  private async syncMoco(
    rule: AutomationRuleEntity,
    log: RuleLogEntity,
    context: FiringContext,
  ): Promise<void> {
    const lead = context.lead;
    const operation = SYNC_OPERATIONS[String(rule.action_config.action)];
    if (!lead) return failed(log, { code: 'lead_not_found' }, 'the lead is not known to leads');
    const command: MocoSyncV1 = {
      operation,
      lead: {
        id: lead.id,
        email: lead.email,
        first_name: lead.first_name,
        last_name: lead.last_name,
        phone: lead.phone,
        job_title: lead.job_title,
      },
      organization:
        lead.organization_id && lead.organization_name
          ? { id: lead.organization_id, name: lead.organization_name }
          : null,
      deal:
        context.deal?.name && context.deal.currency
          ? {
              id: context.deal.id,
              name: context.deal.name,
              value: context.deal.value,
              currency: context.deal.currency,
              expected_close_date: null,
            }
          : null,
      force: false,
      reference: log.id,
    };
    if (await this.send(log, Subjects.MocoSync, command)) {
      log.action_result = { command: Subjects.MocoSync, operation };
    }
  }

  /**
   * A task for the deal's owner when the firing is about a deal, else the lead's owner (leads falls back to
   * round robin), or for the member `assigned_to` names.
   */
  private async createTask(
    rule: AutomationRuleEntity,
    log: RuleLogEntity,
    context: FiringContext,
  ): Promise<void> {
    const config = rule.action_config as {
      title: string;
      task_type?: string;
      due_days?: number;
      assigned_to?: string;
      priority?: TaskPriority;
    };
    if (!log.lead_id && !context.deal) {
      return failed(log, { code: 'no_subject' }, 'the firing names neither a lead nor a deal');
    }
    const due =
      config.due_days === undefined ? null : new Date(log.executed_at.getTime() + config.due_days * DAY_MS);
    const command: LeadsCreateTaskV1 = {
      lead_id: log.lead_id,
      deal_id: context.deal?.id ?? null,
      title: config.title,
      task_type: config.task_type ?? 'follow_up',
      priority: config.priority ?? 'medium',
      due_date: due?.toISOString() ?? null,
      assign_strategy: config.assigned_to ? 'member' : context.deal ? 'deal_owner' : 'lead_owner',
      assigned_to: config.assigned_to ?? null,
      automation_rule_id: rule.id,
      created_by: 'automation',
      reference: log.id,
    };
    if (await this.send(log, Subjects.LeadsCreateTask, command)) {
      log.action_result = { command: Subjects.LeadsCreateTask, assign_strategy: command.assign_strategy };
    }
  }

  private async updateField(rule: AutomationRuleEntity, log: RuleLogEntity): Promise<void> {
    if (!log.lead_id) return failed(log, { code: 'no_subject' }, 'the firing names no lead');
    const config = rule.action_config as { field: RuleUpdatableField; value: string };
    const command: LeadsUpdateFieldV1 = {
      lead_id: log.lead_id,
      field: config.field,
      value: config.value,
      automation_rule_id: rule.id,
      reference: log.id,
    };
    if (await this.send(log, Subjects.LeadsUpdateField, command)) {
      log.action_result = { command: Subjects.LeadsUpdateField, field: config.field, value: config.value };
    }
  }

  /** The firing's deal, else the lead's only open deal (in the rule's pipeline when it has one). */
  private async moveToStage(
    rule: AutomationRuleEntity,
    log: RuleLogEntity,
    context: FiringContext,
  ): Promise<void> {
    if (!log.lead_id) return failed(log, { code: 'no_subject' }, 'the firing names no lead');
    const command: LeadsMoveToStageV1 = {
      lead_id: log.lead_id,
      deal_id: context.deal?.id ?? null,
      pipeline_id: rule.pipeline_id,
      target_stage: String(rule.action_config.target_stage),
      automation_rule_id: rule.id,
      reference: log.id,
    };
    if (await this.send(log, Subjects.LeadsMoveToStage, command)) {
      log.action_result = { command: Subjects.LeadsMoveToStage, target_stage: command.target_stage };
    }
  }

  /** Queues the command unless its payload breaks the contract (then the log says why); true when queued. */
  private async send<S extends Subject>(
    log: RuleLogEntity,
    subject: S,
    payload: PayloadOf[S],
  ): Promise<boolean> {
    const checked = validatePlain(PayloadClasses[subject], payload);
    if (!checked.ok) {
      failed(
        log,
        { code: 'invalid_command', issues: checked.issues.map((i) => i.path) },
        `the ${subject} command would be invalid: ${checked.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      );
      return false;
    }
    await this.outbox.publish(subject, payload, { idempotencyKey: ruleCommandKey(log.id) });
    log.success = null;
    return true;
  }
}

function failed(log: RuleLogEntity, result: Record<string, unknown>, message: string): void {
  log.success = false;
  log.action_result = result;
  log.error_message = message;
}

function notAvailable(log: RuleLogEntity, action: string): void {
  failed(log, { code: 'not_available' }, `${action} is not available yet`);
}

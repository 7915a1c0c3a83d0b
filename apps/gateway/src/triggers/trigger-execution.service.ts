import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  ExecuteTriggerBody,
  Queries,
  type DealView,
  type ExecuteTriggerCommand,
  type ExecutionSnapshot,
  type LeadView,
  type OrganizationView,
  type StageDetailView,
  type TriggerAction,
  type TriggerExecutionView,
  type TriggerRunView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { GatewayRpc } from '../rpc/gateway-rpc';

/** api.md §9: a run not finished within this long is answered 202 `running`. */
export const EXECUTE_WAIT_MS = 10_000;
const POLL_INTERVAL_MS = 200;

/** Actions that act on a deal, and those that need at least the lead (a deal names its lead). */
const NEEDS_DEAL: ReadonlySet<TriggerAction> = new Set([
  'create_moco_deal',
  'create_moco_offer',
  'create_moco_project',
  'create_moco_invoice_draft',
]);
const NEEDS_LEAD: ReadonlySet<TriggerAction> = new Set([
  'send_cituro_booking',
  'create_moco_customer',
  'create_task',
  'enroll_email_sequence',
]);

export interface TriggerExecution {
  finished: boolean;
  view: TriggerExecutionView;
}

/**
 * `POST /triggers/execute`: reads the deal, lead and organization from leads (unknown → leads' 404), has
 * automation run the action as a manual run, and waits up to 10 s for its outcome.
 */
@Injectable()
export class TriggerExecutionService {
  constructor(private readonly rpc: GatewayRpc) {}

  async execute(principal: Principal, rawBody: unknown): Promise<TriggerExecution> {
    const body = validateInput(ExecuteTriggerBody, rawBody ?? {});
    const { deal_id: dealId, lead_id: leadId } = body.context;
    if (NEEDS_DEAL.has(body.action) && !dealId) {
      throw contextError('context.deal_id', `${body.action} needs a deal: give context.deal_id`);
    }
    if (NEEDS_LEAD.has(body.action) && !dealId && !leadId) {
      throw contextError(
        'context.lead_id',
        `${body.action} needs a lead: give context.lead_id or context.deal_id`,
      );
    }
    const command: ExecuteTriggerCommand = {
      actor: actorOf(principal),
      body,
      snapshot: await this.snapshot(body),
    };
    const started = await this.rpc.request<TriggerExecutionView>(Queries.AutomationExecuteTrigger, command);
    if (started.status !== 'running' && started.status !== 'pending')
      return { finished: true, view: started };
    return this.awaitOutcome(started);
  }

  private async awaitOutcome(started: TriggerExecutionView): Promise<TriggerExecution> {
    const deadline = Date.now() + EXECUTE_WAIT_MS;
    while (Date.now() < deadline) {
      await sleep(POLL_INTERVAL_MS);
      const run = await this.rpc.request<TriggerRunView>(Queries.AutomationGetRun, { id: started.run_id });
      if (run.status !== 'running' && run.status !== 'pending') {
        return {
          finished: true,
          view: {
            success: run.status === 'succeeded',
            action: run.action,
            run_id: run.id,
            status: run.status,
            dry_run: run.dry_run,
            result: run.result,
            error: run.error,
          },
        };
      }
    }
    return { finished: false, view: started };
  }

  private async snapshot(body: ExecuteTriggerBody): Promise<ExecutionSnapshot> {
    const { deal_id: dealId, lead_id: givenLeadId, stage_id: givenStageId } = body.context;
    const deal = dealId ? await this.rpc.request<DealView>(Queries.LeadsGetDeal, { id: dealId }) : null;
    if (deal && givenLeadId && givenLeadId !== deal.lead_id) {
      throw contextError('context.lead_id', 'the deal belongs to another lead');
    }
    const leadId = deal?.lead_id ?? givenLeadId ?? null;
    const lead = leadId ? await this.rpc.request<LeadView>(Queries.LeadsGetLead, { id: leadId }) : null;
    const organization = lead?.organization_id
      ? await this.rpc.request<OrganizationView>(Queries.LeadsGetOrganization, { id: lead.organization_id })
      : null;
    const stageId = givenStageId ?? deal?.stage_id ?? null;
    const stage =
      stageId && stageId !== deal?.stage_id
        ? await this.rpc.request<StageDetailView>(Queries.LeadsGetStage, { id: stageId })
        : null;
    return {
      deal_id: deal?.id ?? null,
      lead_id: lead?.id ?? null,
      stage_id: stageId,
      deal: deal && {
        name: deal.name,
        value: deal.value,
        currency: deal.currency,
        assigned_to: deal.assigned_to,
        expected_close_date: deal.expected_close_date,
      },
      lead: lead && {
        email: lead.email,
        first_name: lead.first_name,
        last_name: lead.last_name,
        source: lead.first_touch_source ?? null,
        primary_intent: lead.primary_intent ?? null,
        phone: lead.phone,
        job_title: lead.job_title,
      },
      organization: organization && {
        id: organization.id,
        name: organization.name,
        domain: organization.domain,
        country: organization.country,
      },
      stage_name: stage?.name ?? deal?.stage_name ?? '',
      pipeline_name: stage?.pipeline_name ?? deal?.pipeline_name ?? '',
    };
  }
}

function contextError(path: string, message: string): BadRequestError {
  return new BadRequestError(message, { validation_errors: [{ path, message, code: 'required' }] });
}

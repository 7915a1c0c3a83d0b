import { Subjects, type DealClosedV1 } from '@crm/contracts';
import type { OutboxMessage } from '@crm/messaging';
import { toMoney } from '../common/money';
import type { DealEntity } from './deal.entity';

/*
 * The api.md §19 deal events, each a snapshot of the deal in the transaction that changed it. Stage changes have
 * their own, richer event (deal.stage_changed, built where moves happen).
 */

type DealFacts = Pick<
  DealEntity,
  'id' | 'leadId' | 'pipelineId' | 'stageId' | 'name' | 'value' | 'currency' | 'assignedTo' | 'status'
>;

export function dealCreatedMessage(deal: DealFacts, at: Date): OutboxMessage {
  return {
    subject: Subjects.DealCreated,
    data: {
      deal_id: deal.id,
      lead_id: deal.leadId,
      pipeline_id: deal.pipelineId,
      stage_id: deal.stageId,
      name: deal.name,
      value: toMoney(deal.value),
      currency: deal.currency,
      assigned_to: deal.assignedTo,
      status: deal.status,
      created_at: at.toISOString(),
    },
  };
}

/** `deal.won` or `deal.lost`, for a deal that was open and is closed now (in `stageId`). */
export function dealClosedMessage(
  deal: DealFacts,
  outcome: 'won' | 'lost',
  stageId: string,
  closeReason: string | null,
  at: Date,
): OutboxMessage {
  const data: DealClosedV1 = {
    deal_id: deal.id,
    lead_id: deal.leadId,
    pipeline_id: deal.pipelineId,
    stage_id: stageId,
    name: deal.name,
    value: toMoney(deal.value),
    currency: deal.currency,
    close_reason: closeReason,
    assigned_to: deal.assignedTo,
    closed_at: at.toISOString(),
  };
  return outcome === 'won' ? { subject: Subjects.DealWon, data } : { subject: Subjects.DealLost, data };
}

export function dealAssignedMessage(
  deal: Pick<DealEntity, 'id' | 'leadId' | 'assignedTo'>,
  ownerId: string | null,
  at: Date,
): OutboxMessage {
  return {
    subject: Subjects.DealAssigned,
    data: {
      deal_id: deal.id,
      lead_id: deal.leadId,
      assigned_to: ownerId,
      previous_assigned_to: deal.assignedTo,
      assigned_at: at.toISOString(),
    },
  };
}

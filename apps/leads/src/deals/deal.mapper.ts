import type { StageHistoryView } from '@crm/contracts';
import { toMoney } from '../common/money';
import type { DealView } from '@crm/contracts';
import type { LeadEntity } from '../leads/lead.entity';
import { iso } from '../leads/lead.mapper';
import type { DealStageHistoryEntity } from './deal-stage-history.entity';
import type { DealEntity } from './deal.entity';

export function leadDisplayName(lead: Pick<LeadEntity, 'firstName' | 'lastName'> | undefined): string | null {
  if (!lead) return null;
  return [lead.firstName, lead.lastName].filter((part) => part && part.trim()).join(' ') || null;
}

/** The api.md §8 deal object; `deal` must be loaded with pipeline, stage and lead (+ organization). */
export function toDealView(deal: DealEntity): DealView {
  const leadName = leadDisplayName(deal.lead);
  const leadEmail = deal.lead?.email ?? null;
  const company = deal.lead?.organization?.name ?? null;
  return {
    id: deal.id,
    lead_id: deal.leadId,
    pipeline_id: deal.pipelineId,
    stage_id: deal.stageId,
    position: deal.position,
    name: deal.name,
    title: deal.name,
    value: toMoney(deal.value),
    currency: deal.currency,
    expected_close_date: deal.expectedCloseDate,
    expected_close: deal.expectedCloseDate,
    stage_entered_at: deal.stageEnteredAt.toISOString(),
    // Team members arrive with routing; until then an owner is only an id.
    assigned_to: deal.assignedTo,
    assigned_to_name: deal.owner?.name ?? null,
    assigned_to_email: deal.owner?.email ?? null,
    assigned_to_avatar: deal.owner?.avatar ?? null,
    assigned_region: deal.assignedRegion,
    assigned_at: iso(deal.assignedAt),
    status: deal.status,
    close_reason: deal.closeReason,
    closed_at: iso(deal.closedAt),
    moco_offer_id: deal.mocoOfferId,
    metadata: deal.metadata ?? {},
    created_at: deal.createdAt.toISOString(),
    updated_at: deal.updatedAt.toISOString(),
    pipeline_name: deal.pipeline?.name ?? '',
    stage_name: deal.stage?.name ?? '',
    stage_type: deal.stage?.stageType ?? null,
    lead_name: leadName,
    lead_email: leadEmail,
    lead_company: company,
    contact_name: leadName,
    contact_email: leadEmail,
    company_name: company,
    email_sequence: null,
  };
}

export function toStageHistoryView(row: DealStageHistoryEntity): StageHistoryView {
  return {
    id: row.id,
    deal_id: row.dealId,
    from_stage_id: row.fromStageId,
    from_stage_name: row.fromStageName,
    to_stage_id: row.toStageId,
    to_stage_name: row.toStageName,
    from_status: row.fromStatus,
    to_status: row.toStatus,
    moved_at: row.movedAt.toISOString(),
    time_in_previous_stage_seconds: row.timeInPreviousStageSeconds,
    reason: row.reason,
    moved_by: { type: row.movedByType, id: row.movedById, name: row.movedByName },
  };
}

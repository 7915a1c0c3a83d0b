import { Injectable } from '@nestjs/common';
import type {
  DealClosedV1,
  DealCreatedV1,
  DealDeletedV1,
  DealReopenedV1,
  DealStageChangedV1,
} from '@crm/contracts';
import { DealStageEntity } from './rule-state.entities';
import { RuleStateRepository } from './rule-state.repository';

/**
 * Keeps automation's read model of when each deal entered its current stage, for `time_in_stage` rules. Events
 * may arrive out of order across subjects: one older than the newest applied changes nothing, and a deleted
 * deal stays deleted.
 */
@Injectable()
export class DealStagesService {
  constructor(private readonly state: RuleStateRepository) {}

  async stageChanged(event: DealStageChangedV1): Promise<void> {
    const at = new Date(event.occurred_at);
    const row = await this.state.dealStageForUpdate(event.deal_id);
    if (row && !isNewer(row, at)) return;
    // A deal's creation is announced twice (deal.created and a `created` move): one stage entry, not two.
    const sameEntry = row && row.stage_id === event.to_stage_id && event.reason === 'created';
    const next = row ?? Object.assign(new DealStageEntity(), { deal_id: event.deal_id });
    Object.assign(next, {
      lead_id: event.lead_id,
      pipeline_id: event.pipeline_id,
      status: event.status,
      last_event_at: at,
      ...(sameEntry
        ? {}
        : { stage_id: event.to_stage_id, stage_entry_key: event.stage_history_id, entered_at: at }),
    });
    await this.state.saveDealStage(next);
  }

  async created(event: DealCreatedV1): Promise<void> {
    const row = await this.state.dealStageForUpdate(event.deal_id);
    // Any row is as new as the creation or newer (the `created` move, or later ones).
    if (row) return;
    const at = new Date(event.created_at);
    await this.state.saveDealStage(
      Object.assign(new DealStageEntity(), {
        deal_id: event.deal_id,
        lead_id: event.lead_id,
        pipeline_id: event.pipeline_id,
        stage_id: event.stage_id,
        stage_entry_key: `created:${at.toISOString()}`,
        entered_at: at,
        status: event.status,
        last_event_at: at,
      }),
    );
  }

  async closed(event: DealClosedV1, status: 'won' | 'lost'): Promise<void> {
    const at = new Date(event.closed_at);
    const row = await this.state.dealStageForUpdate(event.deal_id);
    if (row && !isNewer(row, at)) return;
    const next =
      row ??
      Object.assign(new DealStageEntity(), {
        deal_id: event.deal_id,
        lead_id: event.lead_id,
        pipeline_id: event.pipeline_id,
        stage_id: event.stage_id,
        stage_entry_key: `closed:${at.toISOString()}`,
        entered_at: at,
      });
    Object.assign(next, { status, last_event_at: at });
    await this.state.saveDealStage(next);
  }

  async reopened(event: DealReopenedV1): Promise<void> {
    const at = new Date(event.reopened_at);
    const row = await this.state.dealStageForUpdate(event.deal_id);
    if (row && !isNewer(row, at)) return;
    const next = row ?? Object.assign(new DealStageEntity(), { deal_id: event.deal_id, pipeline_id: null });
    const sameStage = row && row.stage_id === event.stage_id;
    Object.assign(next, {
      lead_id: event.lead_id,
      status: 'open',
      last_event_at: at,
      ...(sameStage
        ? {}
        : { stage_id: event.stage_id, stage_entry_key: `reopened:${at.toISOString()}`, entered_at: at }),
    });
    await this.state.saveDealStage(next);
  }

  async deleted(event: DealDeletedV1): Promise<void> {
    const row = await this.state.dealStageForUpdate(event.deal_id);
    if (!row) return;
    row.status = 'deleted';
    row.last_event_at = new Date(event.deleted_at);
    await this.state.saveDealStage(row);
  }
}

function isNewer(row: DealStageEntity, at: Date): boolean {
  return row.status !== 'deleted' && at.getTime() >= row.last_event_at.getTime();
}

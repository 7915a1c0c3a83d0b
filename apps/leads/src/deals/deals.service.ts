import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  Subjects,
  type ActorRef,
  type CloseDealCommand,
  type CreateDealCommand,
  type DealCommand,
  type DealStatsQuery,
  type DealStatsView,
  type ChangeDealLeadCommand,
  type ReorderDealsCommand,
  type UpdateDealCommand,
  type DealStageChangedV1,
  type ListDealsQuery,
  type ListPipelineDealsQuery,
  type MoveDealCommand,
  type Page,
  type StageHistoryView,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { toMoney } from '../common/money';
import { isRetryableConflict, isUniqueViolation } from '../common/pg-errors';
import type { DealView } from '@crm/contracts';
import type { LeadEntity } from '../leads/lead.entity';
import { LeadRepository } from '../leads/lead.repository';
import type { OrganizationEntity } from '../leads/organization.entity';
import { OrganizationRepository } from '../leads/organization.repository';
import type { PipelineEntity } from '../pipelines/pipeline.entity';
import { PipelineRepository } from '../pipelines/pipeline.repository';
import { TeamMemberRepository } from '../team/team-member.repository';
import type { StageEntity } from '../pipelines/stage.entity';
import type { DealEntity } from './deal.entity';
import { toDealView, toStageHistoryView } from './deal.mapper';
import { dealAssignedMessage, dealClosedMessage, dealCreatedMessage } from './deal.events';
import { DealRepository, ONE_OPEN_DEAL_CONSTRAINT } from './deal.repository';
import { defaultDealName, secondsInStage, statusForStage, toCloseDate } from './deal.rules';

/** A deadlock between two moves into the same stage is resolved by running the loser again. */
const MOVE_ATTEMPTS = 3;

/** Deals: creation, moves through the pipeline's stages (history + stage-changed event), and reads. */
@Injectable()
export class DealsService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly deals: DealRepository,
    private readonly leads: LeadRepository,
    private readonly pipelines: PipelineRepository,
    private readonly members: TeamMemberRepository,
    private readonly organizations: OrganizationRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('deals');
  }

  /**
   * `POST /deals`. Creation is recorded in the stage history (reason `created`) but is not a stage change:
   * no stage-changed event, so stage triggers fire only on moves.
   */
  async createDeal({ body, actor }: CreateDealCommand): Promise<DealView> {
    const lead = await this.leads.findById(body.lead_id);
    if (!lead) throw new NotFoundError('Lead', body.lead_id);
    const pipeline = await this.pipelines.findPipeline(body.pipeline_id);
    if (!pipeline) throw new NotFoundError('Pipeline', body.pipeline_id);
    if (!pipeline.isActive) throw new BadRequestError('Pipeline is inactive', { pipeline_id: pipeline.id });
    const stage = await this.initialStage(pipeline, body.stage_id);
    const expectedCloseDate = body.expected_close_date ? toCloseDate(body.expected_close_date) : null;
    if (body.expected_close_date && !expectedCloseDate) {
      throw invalidField('body.expected_close_date', 'expected_close_date must be a real date');
    }
    const status = statusForStage(stage.stageType);

    let dealId: string;
    try {
      dealId = await this.tx.transaction(async () => {
        if (status === 'open') await this.assertNoOpenDeal(lead.id, pipeline.id);
        const assignedTo = body.assigned_to ? await this.ownerId(body.assigned_to) : null;
        const [id] = await this.openDeals([
          {
            lead,
            pipeline,
            stage,
            name: body.name,
            value: body.value === undefined ? null : body.value.toFixed(2),
            currency: body.currency,
            expectedCloseDate,
            assignedTo,
            assignedRegion: body.assigned_region ?? null,
            metadata: body.metadata,
            reason: 'created',
            actor,
          },
        ]);
        return id;
      });
    } catch (error) {
      // Two creations raced past the check: the partial unique index decided.
      if (!isUniqueViolation(error, ONE_OPEN_DEAL_CONSTRAINT)) throw error;
      await this.assertNoOpenDeal(lead.id, pipeline.id);
      throw error;
    }
    this.log.info({ deal_id: dealId, lead_id: lead.id, pipeline_id: pipeline.id }, 'deal created');
    return this.getDeal(dealId);
  }

  /**
   * Writes new deals, each in its stage (after the stage's last deal) with its history row (`reason`), in one
   * statement per table inside the caller's transaction; returns their ids in input order. The caller has
   * checked each lead has no open deal in the pipeline (the partial unique index backs that check).
   */
  async openDeals(inputs: OpenDealInput[]): Promise<string[]> {
    if (!inputs.length) return [];
    const now = new Date();
    return this.tx.transaction(async () => {
      const nextPosition = await this.deals.nextPositions([...new Set(inputs.map((i) => i.stage.id))]);
      const deals = inputs.map((input) => {
        const status = statusForStage(input.stage.stageType);
        const position = nextPosition.get(input.stage.id) ?? 1;
        nextPosition.set(input.stage.id, position + 1);
        return {
          id: randomUUID(),
          leadId: input.lead.id,
          pipelineId: input.pipeline.id,
          stageId: input.stage.id,
          position,
          name: input.name ?? defaultDealName(input.lead, input.pipeline.name),
          value: input.value ?? null,
          currency: input.currency ?? 'EUR',
          expectedCloseDate: input.expectedCloseDate ?? null,
          assignedTo: input.assignedTo,
          assignedRegion: input.assignedRegion,
          assignedAt: input.assignedTo ? now : null,
          status,
          closedAt: status === 'open' ? null : now,
          metadata: input.metadata ?? {},
          stageEnteredAt: now,
          createdAt: now,
        };
      });
      await this.deals.insertMany(deals);
      await this.deals.insertHistoryMany(
        inputs.map((input, i) => ({
          dealId: deals[i].id,
          fromStageId: null,
          fromStageName: null,
          toStageId: input.stage.id,
          toStageName: input.stage.name,
          fromStatus: null,
          toStatus: deals[i].status,
          movedAt: now,
          timeInPreviousStageSeconds: null,
          reason: input.reason,
          ...movedBy(input.actor),
        })),
      );
      await this.outbox.publishMany(deals.map((deal) => dealCreatedMessage(deal, now)));
      return deals.map((deal) => deal.id);
    });
  }

  /** The open deal (id and owner) of each (lead, pipeline) among these leads, keyed `leadId:pipelineId`. */
  async openDealsOf(leadIds: string[]): Promise<Map<string, { id: string; assignedTo: string | null }>> {
    const rows = await this.deals.findOpenDeals(leadIds);
    return new Map(
      rows.map((row) => [`${row.leadId}:${row.pipelineId}`, { id: row.id, assignedTo: row.assignedTo }]),
    );
  }

  /** Gives an open deal another owner (routing a lead whose deal already exists). */
  async reassign(dealId: string, ownerId: string, region: string | null): Promise<void> {
    const deal = await this.deals.lockById(dealId);
    if (!deal || deal.assignedTo === ownerId) return;
    const now = new Date();
    await this.deals.assign(dealId, ownerId, region, now);
    await this.outbox.publishMany([dealAssignedMessage(deal, ownerId, now)]);
  }

  /**
   * `POST /deals/:id/move`: one transaction writes the deal, its history row and the stage-changed event.
   * Entering a won/lost stage closes the deal in the same move.
   */
  async moveDeal(command: MoveDealCommand): Promise<DealView> {
    return this.withDeadlockRetry(command.deal_id, () => this.moveInTransaction(command, 'move'));
  }

  /**
   * A booking made in Cituro moves the deal (api.md §15.4, history reason `booking`), in the caller's
   * transaction (the booking consumer's), with the same history row and stage-changed event as any move.
   */
  async moveDealForBooking(command: MoveDealCommand): Promise<void> {
    await this.tx.transaction(() => this.moveInTransaction(command, 'booking'));
  }

  /**
   * An automation rule's `move_to_stage` (api.md §12, history reason `automation`), in the caller's transaction
   * (the command consumer's), with the same history row and stage-changed event as any move.
   */
  async moveDealForAutomation(command: MoveDealCommand): Promise<void> {
    await this.tx.transaction(() => this.moveInTransaction(command, 'automation'));
  }

  /**
   * `POST /deals/:id/close`: into the pipeline's `closed_won`/`closed_lost` stage when it has one (history,
   * stage-changed event, that stage's triggers), else closed where it stands. 422 unless the deal is open.
   */
  async closeDeal({ deal_id, body, actor }: CloseDealCommand): Promise<DealView> {
    return this.withDeadlockRetry(deal_id, async () => {
      const deal = await this.deals.lockById(deal_id);
      if (!deal) throw new NotFoundError('Deal', deal_id);
      if (deal.status !== 'open') {
        throw new BusinessRuleError(`Deal is already ${deal.status}`, { deal_id, status: deal.status });
      }
      const stageType = body.status === 'won' ? 'closed_won' : 'closed_lost';
      const target = (await this.pipelines.listStages(deal.pipelineId)).find(
        (s) => s.stageType === stageType,
      );
      if (target) {
        await this.moveInTransaction(
          { deal_id, actor, body: { stage_id: target.id, close_reason: body.close_reason } },
          'close',
          body.status,
        );
        return;
      }
      const now = new Date();
      await this.deals.applyMove(deal.id, {
        stageId: deal.stageId,
        stageEnteredAt: deal.stageEnteredAt,
        position: deal.position,
        status: body.status,
        closedAt: now,
        closeReason: body.close_reason ?? null,
      });
      const stage = await this.pipelines.findStage(deal.stageId);
      await this.deals.insertHistory({
        dealId: deal.id,
        fromStageId: deal.stageId,
        fromStageName: stage?.name ?? null,
        toStageId: deal.stageId,
        toStageName: stage?.name ?? '',
        fromStatus: 'open',
        toStatus: body.status,
        movedAt: now,
        timeInPreviousStageSeconds: secondsInStage(deal.stageEnteredAt, now),
        reason: 'close',
        ...movedBy(actor),
      });
      if (body.status === 'won') await this.leads.markCustomer(deal.leadId);
      await this.outbox.publishMany([
        dealClosedMessage(deal, body.status, deal.stageId, body.close_reason ?? null, now),
      ]);
    });
  }

  /** `POST /deals/:id/reopen`: back to the stage it had before closing; 422 for an open deal. */
  async reopenDeal({ deal_id, actor }: DealCommand): Promise<DealView> {
    return this.withDeadlockRetry(deal_id, async () => {
      const deal = await this.deals.lockById(deal_id);
      if (!deal) throw new NotFoundError('Deal', deal_id);
      if (deal.status === 'open')
        throw new BusinessRuleError('Deal is open', { deal_id, status: deal.status });
      const history = await this.deals.listHistory(deal.id);
      const closing = [...history]
        .reverse()
        .find((row) => row.toStatus !== 'open' && row.fromStatus === 'open');
      const stageId = closing?.fromStageId ?? deal.stageId;
      await this.moveInTransaction({ deal_id, actor, body: { stage_id: stageId } }, 'reopen', 'open');
    });
  }

  /** `PATCH /deals/:id`: the deal's own fields; an owner given by email is resolved to the member's id. */
  async updateDeal({ deal_id, body }: UpdateDealCommand): Promise<DealView> {
    if (body.name === null || body.currency === null || body.metadata === null) {
      throw invalidField('body', 'name, currency and metadata cannot be null');
    }
    const expectedCloseDate =
      body.expected_close_date === undefined || body.expected_close_date === null
        ? body.expected_close_date
        : toCloseDate(body.expected_close_date);
    if (expectedCloseDate === null && body.expected_close_date) {
      throw invalidField('body.expected_close_date', 'expected_close_date must be a real date');
    }
    await this.tx.transaction(async () => {
      const deal = await this.deals.lockById(deal_id);
      if (!deal) throw new NotFoundError('Deal', deal_id);
      const owner = body.assigned_to === undefined ? undefined : await this.ownerId(body.assigned_to);
      await this.deals.updateFields(deal.id, {
        ...(body.name !== undefined && { name: body.name }),
        ...(body.value !== undefined && { value: body.value === null ? null : body.value.toFixed(2) }),
        ...(body.currency !== undefined && { currency: body.currency }),
        ...(expectedCloseDate !== undefined && { expectedCloseDate }),
        ...(owner !== undefined && {
          assignedTo: owner,
          assignedAt: owner && owner !== deal.assignedTo ? new Date() : owner ? deal.assignedAt : null,
        }),
        ...(body.assigned_region !== undefined && { assignedRegion: body.assigned_region }),
        ...(body.metadata !== undefined && { metadata: body.metadata }),
      });
      if (owner !== undefined && owner !== deal.assignedTo) {
        await this.outbox.publishMany([dealAssignedMessage(deal, owner, new Date())]);
      }
    });
    return this.getDeal(deal_id);
  }

  /** `POST /deals/reorder`: every id must be a deal in the stage (else 400, nothing changes). */
  async reorderDeals({ body }: ReorderDealsCommand): Promise<{ success: true }> {
    await this.tx.transaction(async () => {
      const inStage = await this.deals.countInStage(body.stage_id, body.ordered_ids);
      if (inStage !== body.ordered_ids.length) {
        throw invalidField('body.ordered_ids', 'every id must be a deal in the stage');
      }
      await this.deals.reorder(body.stage_id, body.ordered_ids);
    });
    return { success: true };
  }

  /**
   * `PATCH /deals/:id/lead`: the deal belongs to another lead; 409 when an open deal would be that lead's
   * second open deal in the pipeline. A deal with its default name takes the new lead's default name.
   */
  async changeDealLead({ deal_id, body }: ChangeDealLeadCommand): Promise<DealView> {
    try {
      await this.tx.transaction(async () => {
        const deal = await this.deals.lockById(deal_id);
        if (!deal) throw new NotFoundError('Deal', deal_id);
        const lead = await this.leads.findById(body.lead_id);
        if (!lead) throw new NotFoundError('Lead', body.lead_id);
        if (lead.id === deal.leadId) return;
        if (deal.status === 'open') await this.assertNoOpenDeal(lead.id, deal.pipelineId);
        const pipeline = (await this.pipelines.findPipeline(deal.pipelineId))!;
        const previous = await this.leads.findById(deal.leadId);
        const hasDefaultName = previous && deal.name === defaultDealName(previous, pipeline.name);
        await this.deals.setLead(
          deal.id,
          lead.id,
          hasDefaultName ? defaultDealName(lead, pipeline.name) : deal.name,
        );
      });
    } catch (error) {
      if (!isUniqueViolation(error, ONE_OPEN_DEAL_CONSTRAINT)) throw error;
      throw new ConflictError('Lead already has an open deal in this pipeline', { lead_id: body.lead_id });
    }
    return this.getDeal(deal_id);
  }

  /** `DELETE /deals/:id`: the deal with its history and tasks. */
  async deleteDeal({ deal_id }: DealCommand): Promise<{ success: true; message: string }> {
    await this.tx.transaction(async () => {
      const deal = await this.deals.lockById(deal_id);
      if (!deal) throw new NotFoundError('Deal', deal_id);
      await this.deals.delete(deal_id);
      await this.outbox.publish(Subjects.DealDeleted, {
        deal_id,
        lead_id: deal.leadId,
        pipeline_id: deal.pipelineId,
        deleted_at: new Date().toISOString(),
      });
    });
    this.log.info({ deal_id }, 'deal deleted');
    return { success: true, message: 'Deal deleted successfully' };
  }

  async dealStats({ pipeline_id }: DealStatsQuery): Promise<DealStatsView> {
    const rows = await this.deals.countsByStatus(pipeline_id);
    const stats: DealStatsView = {
      by_status: { open: 0, won: 0, lost: 0 },
      value_by_status: { open: 0, won: 0, lost: 0 },
    };
    for (const row of rows) {
      stats.by_status[row.status] = row.count;
      stats.value_by_status[row.status] = Number(row.value);
    }
    return stats;
  }

  /** A member UUID or email → the member's id (400 when nobody has it); null clears. */
  private async ownerId(idOrEmail: string | null): Promise<string | null> {
    if (idOrEmail === null) return null;
    const id = (await this.members.findByIdOrEmail(idOrEmail))?.id;
    if (!id) throw invalidField('body.assigned_to', 'assigned_to must be the id or email of a team member');
    return id;
  }

  private async withDeadlockRetry(dealId: string, work: () => Promise<void>): Promise<DealView> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.tx.transaction(work);
        return this.getDeal(dealId);
      } catch (error) {
        if (!isRetryableConflict(error) || attempt >= MOVE_ATTEMPTS) throw error;
        this.log.warn({ deal_id: dealId, attempt }, 'deal change hit a deadlock; retrying');
      }
    }
  }

  /**
   * Moves the deal into `body.stage_id` with a history row and one stage-changed event. `reopen` takes a closed
   * deal back (status `open`); every other reason needs an open deal.
   */
  private async moveInTransaction(
    { deal_id, body, actor }: MoveDealCommand,
    reason: 'move' | 'close' | 'reopen' | 'booking' | 'automation',
    expected?: DealStageChangedV1['status'],
  ): Promise<void> {
    const deal = await this.deals.lockById(deal_id);
    if (!deal) throw new NotFoundError('Deal', deal_id);
    const target = await this.pipelines.findStage(body.stage_id);
    if (!target) throw new NotFoundError('Stage', body.stage_id);
    if (target.pipelineId !== deal.pipelineId) {
      throw new BadRequestError('Stage belongs to another pipeline', {
        stage_id: target.id,
        pipeline_id: deal.pipelineId,
      });
    }
    if (deal.status !== 'open' && reason !== 'reopen') {
      throw new BusinessRuleError(`Deal is ${deal.status}; reopen it before moving it`, {
        deal_id: deal.id,
        status: deal.status,
      });
    }
    // already there: no history, no event
    if (target.id === deal.stageId && (reason === 'move' || reason === 'booking' || reason === 'automation'))
      return;

    const from = await this.pipelines.findStage(deal.stageId);
    const now = new Date();
    // Reopening into a stage that is itself a closed one keeps the deal open: the person asked for open.
    const status = reason === 'reopen' ? 'open' : statusForStage(target.stageType);
    if (expected && status !== expected) {
      throw new BusinessRuleError(`The stage does not give status ${expected}`, { stage_id: target.id });
    }
    const timeInPreviousStage = secondsInStage(deal.stageEnteredAt, now);
    let position: number;
    if (body.position !== undefined) {
      await this.deals.makeRoomAt(target.id, body.position);
      position = body.position;
    } else {
      position = await this.deals.nextPosition(target.id);
    }
    const closing = status !== 'open';
    await this.deals.applyMove(deal.id, {
      stageId: target.id,
      stageEnteredAt: now,
      position,
      status,
      closedAt: closing ? now : null,
      closeReason: closing ? (body.close_reason ?? null) : reason === 'reopen' ? null : deal.closeReason,
    });
    const history = await this.deals.insertHistory({
      dealId: deal.id,
      fromStageId: deal.stageId,
      fromStageName: from?.name ?? null,
      toStageId: target.id,
      toStageName: target.name,
      fromStatus: deal.status,
      toStatus: status,
      movedAt: now,
      timeInPreviousStageSeconds: timeInPreviousStage,
      reason,
      ...movedBy(actor),
    });
    if (status === 'won') await this.leads.markCustomer(deal.leadId);
    const lead = await this.leads.findById(deal.leadId);
    const pipeline = await this.pipelines.findPipeline(deal.pipelineId);
    const organization = lead?.organizationId ? await this.organizations.findById(lead.organizationId) : null;
    await this.outbox.publish(
      Subjects.DealStageChanged,
      stageChangedEvent({
        deal,
        organization,
        from,
        target,
        status,
        lead,
        pipeline,
        actor,
        historyId: history.id,
        now,
        timeInPreviousStage,
        reason,
      }),
      { idempotencyKey: `deal-stage-changed:${history.id}` },
    );
    if (deal.status === 'open' && status !== 'open') {
      const closeReason = body.close_reason ?? null;
      await this.outbox.publishMany([dealClosedMessage(deal, status, target.id, closeReason, now)]);
    } else if (reason === 'reopen') {
      await this.outbox.publish(Subjects.DealReopened, {
        deal_id: deal.id,
        lead_id: deal.leadId,
        stage_id: target.id,
        reopened_at: now.toISOString(),
      });
    }
    this.log.info(
      { deal_id: deal.id, from_stage_id: deal.stageId, to_stage_id: target.id, status },
      'deal moved',
    );
  }

  async listDeals(query: ListDealsQuery): Promise<Page<DealView>> {
    return (await this.deals.list(query)).page(toDealView);
  }

  /** `GET /pipelines/:id/deals`: 404 for an unknown pipeline. */
  async listPipelineDeals(query: ListPipelineDealsQuery): Promise<{ data: DealView[] }> {
    if (!(await this.pipelines.findPipeline(query.id))) throw new NotFoundError('Pipeline', query.id);
    return { data: (await this.deals.listInPipeline(query)).map(toDealView) };
  }

  async getDeal(id: string): Promise<DealView> {
    const deal = await this.deals.findWithRelations(id);
    if (!deal) throw new NotFoundError('Deal', id);
    return toDealView(deal);
  }

  async dealHistory(id: string): Promise<{ data: StageHistoryView[] }> {
    if (!(await this.deals.exists(id))) throw new NotFoundError('Deal', id);
    return { data: (await this.deals.listHistory(id)).map(toStageHistoryView) };
  }

  /** The first stage of the pipeline, or `stageId` when it belongs to it (404/400 otherwise). */
  async initialStage(pipeline: PipelineEntity, stageId: string | undefined): Promise<StageEntity> {
    const stages = await this.pipelines.listStages(pipeline.id);
    if (!stages.length) throw new BadRequestError('Pipeline has no stages', { pipeline_id: pipeline.id });
    if (!stageId) return stages[0];
    const stage = stages.find((s) => s.id === stageId) ?? (await this.pipelines.findStage(stageId));
    if (!stage) throw new NotFoundError('Stage', stageId);
    if (stage.pipelineId !== pipeline.id) {
      throw new BadRequestError('Stage belongs to another pipeline', {
        stage_id: stage.id,
        pipeline_id: pipeline.id,
      });
    }
    return stage;
  }

  private async assertNoOpenDeal(leadId: string, pipelineId: string): Promise<void> {
    const existing = await this.deals.findOpenDealId(leadId, pipelineId);
    if (existing) {
      throw new ConflictError('Lead already has an open deal in this pipeline', {
        existing_deal_id: existing,
      });
    }
  }
}

export interface OpenDealInput {
  lead: LeadEntity;
  pipeline: PipelineEntity;
  stage: StageEntity;
  name?: string;
  /** numeric string, as stored */
  value?: string | null;
  currency?: string;
  expectedCloseDate?: string | null;
  assignedTo: string | null;
  assignedRegion: string | null;
  metadata?: Record<string, unknown>;
  reason: 'created' | 'routing';
  actor: ActorRef;
}

function movedBy(actor: ActorRef) {
  return { movedByType: actor.type, movedById: actor.id ?? null, movedByName: actor.name ?? null };
}

function invalidField(path: string, message: string): BadRequestError {
  return new BadRequestError(message, { validation_errors: [{ path, message, code: 'invalid' }] });
}

interface StageChangeFacts {
  deal: DealEntity;
  from: StageEntity | null;
  target: StageEntity;
  status: DealStageChangedV1['status'];
  lead: LeadEntity | null;
  organization: OrganizationEntity | null;
  pipeline: PipelineEntity | null;
  actor: ActorRef;
  historyId: string;
  now: Date;
  timeInPreviousStage: number;
  reason: DealStageChangedV1['reason'];
}

/** `leads.deal.stage_changed.v1` with the deal and lead as they are after the move. */
function stageChangedEvent(f: StageChangeFacts): DealStageChangedV1 {
  return {
    deal_id: f.deal.id,
    lead_id: f.deal.leadId,
    pipeline_id: f.deal.pipelineId,
    stage_history_id: f.historyId,
    from_stage_id: f.from?.id ?? f.deal.stageId,
    from_stage_slug: f.from?.slug ?? null,
    to_stage_id: f.target.id,
    to_stage_slug: f.target.slug,
    to_stage_type: f.target.stageType,
    status: f.status,
    moved_by: { type: f.actor.type, id: f.actor.id ?? null, name: f.actor.name ?? null },
    reason: f.reason,
    time_in_previous_stage_seconds: f.timeInPreviousStage,
    occurred_at: f.now.toISOString(),
    deal: {
      name: f.deal.name,
      value: toMoney(f.deal.value),
      currency: f.deal.currency,
      assigned_to: f.deal.assignedTo,
      expected_close_date: f.deal.expectedCloseDate ?? null,
    },
    lead: {
      // LeadSnapshot.email is required in contracts; leads known only by an external id have none yet.
      email: f.lead?.email ?? null,
      first_name: f.lead?.firstName ?? null,
      last_name: f.lead?.lastName ?? null,
      source: f.lead?.firstTouchSource ?? null,
      primary_intent: f.lead?.primaryIntent ?? null,
      phone: f.lead?.phone ?? null,
      job_title: f.lead?.jobTitle ?? null,
    },
    organization: f.organization
      ? {
          id: f.organization.id,
          name: f.organization.name,
          domain: f.organization.domain,
          country: f.organization.country,
        }
      : null,
    pipeline_name: f.pipeline?.name ?? '',
    to_stage_name: f.target.name,
  };
}

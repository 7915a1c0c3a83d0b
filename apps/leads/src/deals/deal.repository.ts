import { Injectable } from '@nestjs/common';
import { Brackets, In, type SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { DealStatus, ListDealsQuery, ListPipelineDealsQuery } from '@crm/contracts';
import { Keyset, readKeysetPage, TransactionHost, type KeyColumn, type KeysetRead } from '@crm/service-kit';
import { likePattern } from '../leads/lead.repository';
import { Recordset } from '../leads/recordset';
import { DealStageHistoryEntity } from './deal-stage-history.entity';
import { DealEntity } from './deal.entity';

export type NewDeal = Pick<
  DealEntity,
  | 'leadId'
  | 'pipelineId'
  | 'stageId'
  | 'position'
  | 'name'
  | 'value'
  | 'currency'
  | 'expectedCloseDate'
  | 'assignedTo'
  | 'assignedRegion'
  | 'assignedAt'
  | 'status'
  | 'closedAt'
  | 'metadata'
  | 'stageEnteredAt'
  | 'createdAt'
>;

export type DealMove = Pick<
  DealEntity,
  'stageId' | 'stageEnteredAt' | 'position' | 'status' | 'closedAt' | 'closeReason'
>;

export type NewStageHistory = Omit<DealStageHistoryEntity, 'id'>;

/** What `PATCH /deals/:id` may change. */
export type DealFields = Partial<
  Pick<
    DealEntity,
    | 'name'
    | 'value'
    | 'currency'
    | 'expectedCloseDate'
    | 'assignedTo'
    | 'assignedAt'
    | 'assignedRegion'
    | 'metadata'
  >
>;

/** A new deal with the id its caller gave it (so history and tasks can name it in the same statement batch). */
export type NewDealRow = NewDeal & { id: string };

const DEAL_ROW = new Recordset<NewDealRow>([
  ['id', 'id', 'uuid'],
  ['lead_id', 'leadId', 'uuid'],
  ['pipeline_id', 'pipelineId', 'uuid'],
  ['stage_id', 'stageId', 'uuid'],
  ['position', 'position', 'int'],
  ['name', 'name', 'varchar'],
  ['value', 'value', 'numeric'],
  ['currency', 'currency', 'varchar'],
  ['expected_close_date', 'expectedCloseDate', 'date'],
  ['assigned_to', 'assignedTo', 'uuid'],
  ['assigned_region', 'assignedRegion', 'varchar'],
  ['assigned_at', 'assignedAt', 'timestamptz'],
  ['status', 'status', 'varchar'],
  ['closed_at', 'closedAt', 'timestamptz'],
  ['metadata', 'metadata', 'jsonb'],
  ['stage_entered_at', 'stageEnteredAt', 'timestamptz'],
  ['created_at', 'createdAt', 'timestamptz'],
]);

const HISTORY_ROW = new Recordset<NewStageHistory>([
  ['deal_id', 'dealId', 'uuid'],
  ['from_stage_id', 'fromStageId', 'uuid'],
  ['from_stage_name', 'fromStageName', 'varchar'],
  ['to_stage_id', 'toStageId', 'uuid'],
  ['to_stage_name', 'toStageName', 'varchar'],
  ['from_status', 'fromStatus', 'varchar'],
  ['to_status', 'toStatus', 'varchar'],
  ['moved_at', 'movedAt', 'timestamptz'],
  ['time_in_previous_stage_seconds', 'timeInPreviousStageSeconds', 'int'],
  ['reason', 'reason', 'varchar'],
  ['moved_by_type', 'movedByType', 'varchar'],
  ['moved_by_id', 'movedById', 'varchar'],
  ['moved_by_name', 'movedByName', 'varchar'],
]);

const DEAL_SORT_COLUMNS: Record<NonNullable<ListDealsQuery['sort_by']>, KeyColumn> = {
  created_at: { sql: 'deal.createdAt', type: 'timestamptz' },
  updated_at: { sql: 'deal.updatedAt', type: 'timestamptz' },
  value: { sql: 'deal.value', type: 'numeric', nullable: true },
  name: { sql: 'deal.name', type: 'text' },
  stage_entered_at: { sql: 'deal.stageEnteredAt', type: 'timestamptz' },
  position: { sql: 'deal.position', type: 'int' },
  expected_close_date: { sql: 'deal.expectedCloseDate', type: 'date', nullable: true },
};

/** Constraint that keeps one open deal per lead and pipeline (migration CreateLeadsTables). */
export const ONE_OPEN_DEAL_CONSTRAINT = 'deals_one_open_per_lead_pipeline';

@Injectable()
export class DealRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get deals() {
    return this.tx.manager.getRepository(DealEntity);
  }

  private get history() {
    return this.tx.manager.getRepository(DealStageHistoryEntity);
  }

  async findOpenDealId(leadId: string, pipelineId: string): Promise<string | null> {
    const deal = await this.deals.findOne({
      select: { id: true },
      where: { leadId, pipelineId, status: 'open' },
    });
    return deal?.id ?? null;
  }

  /** The open deals of these leads, in any pipeline. */
  findOpenDeals(
    leadIds: string[],
  ): Promise<Pick<DealEntity, 'id' | 'leadId' | 'pipelineId' | 'assignedTo'>[]> {
    if (!leadIds.length) return Promise.resolve([]);
    return this.deals.find({
      select: { id: true, leadId: true, pipelineId: true, assignedTo: true },
      where: { leadId: In(leadIds), status: 'open' },
    });
  }

  /** The slot after the last deal of each stage. */
  async nextPositions(stageIds: string[]): Promise<Map<string, number>> {
    const rows: { stage_id: string; max: number }[] = await this.tx.manager.query(
      `SELECT stage_id, max(position)::int AS max FROM deals WHERE stage_id = ANY($1::uuid[]) GROUP BY stage_id`,
      [stageIds],
    );
    const next = new Map(stageIds.map((id) => [id, 1]));
    for (const row of rows) next.set(row.stage_id, row.max + 1);
    return next;
  }

  /** One statement for all the deals. */
  async insertMany(deals: readonly NewDealRow[]): Promise<void> {
    if (!deals.length) return;
    await this.tx.manager.query(DEAL_ROW.insertInto('deals'), [DEAL_ROW.parameter(deals)]);
  }

  async insertHistoryMany(rows: readonly NewStageHistory[]): Promise<void> {
    if (!rows.length) return;
    await this.tx.manager.query(HISTORY_ROW.insertInto('deal_stage_history'), [HISTORY_ROW.parameter(rows)]);
  }

  /** The slot after the last deal of the stage. */
  async nextPosition(stageId: string): Promise<number> {
    const row: { max: number | null } | undefined = await this.deals
      .createQueryBuilder('deal')
      .select('MAX(deal.position)', 'max')
      .where('deal.stageId = :stageId', { stageId })
      .getRawOne();
    return (row?.max ?? 0) + 1;
  }

  /** Shifts the stage's deals at `position` and after down by one, freeing that slot. */
  async makeRoomAt(stageId: string, position: number): Promise<void> {
    await this.deals
      .createQueryBuilder()
      .update(DealEntity)
      .set({ position: () => 'position + 1' })
      .where('stage_id = :stageId AND position >= :position', { stageId, position })
      .execute();
  }

  /** Re-reads the deal and holds its row lock until the transaction ends. */
  lockById(id: string): Promise<DealEntity | null> {
    return this.deals
      .createQueryBuilder('deal')
      .setLock('pessimistic_write')
      .where('deal.id = :id', { id })
      .getOne();
  }

  async assign(id: string, ownerId: string, region: string | null, at: Date): Promise<void> {
    await this.deals.update({ id }, { assignedTo: ownerId, assignedRegion: region, assignedAt: at });
  }

  /** The deal's own fields (PATCH); only those given change. */
  async updateFields(id: string, fields: DealFields): Promise<void> {
    // jsonb metadata is a plain object, which TypeORM's deep-partial type does not model.
    if (Object.keys(fields).length)
      await this.deals.update({ id }, fields as QueryDeepPartialEntity<DealEntity>);
  }

  /** How many of `ids` are deals in the stage. */
  async countInStage(stageId: string, ids: string[]): Promise<number> {
    const [{ n }]: { n: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS n FROM deals WHERE stage_id = $1 AND id = ANY($2::uuid[])`,
      [stageId, ids],
    );
    return n;
  }

  /** The listed deals take positions 1…n in that order; the stage's other deals follow in their old order. */
  async reorder(stageId: string, orderedIds: string[]): Promise<void> {
    await this.tx.manager.query(
      `WITH listed AS (SELECT id, ord FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, ord)),
            ranked AS (
              SELECT d.id,
                     coalesce(l.ord, $3 + row_number() OVER (PARTITION BY l.ord IS NULL ORDER BY d.position, d.id))
                       AS position
                FROM deals d LEFT JOIN listed l ON l.id = d.id
               WHERE d.stage_id = $1)
       UPDATE deals SET position = r.position, updated_at = now() FROM ranked r WHERE deals.id = r.id`,
      [stageId, orderedIds, orderedIds.length],
    );
  }

  async setLead(id: string, leadId: string, name: string): Promise<void> {
    await this.deals.update({ id }, { leadId, name });
  }

  async delete(id: string): Promise<void> {
    await this.deals.delete({ id });
  }

  /** Count and value of deals by status, of one pipeline or all. */
  async countsByStatus(pipelineId?: string): Promise<{ status: DealStatus; count: number; value: string }[]> {
    return this.tx.manager.query(
      `SELECT status, count(*)::int AS count, coalesce(sum(value), 0)::text AS value FROM deals
        WHERE ($1::uuid IS NULL OR pipeline_id = $1) GROUP BY status`,
      [pipelineId ?? null],
    );
  }

  async applyMove(id: string, move: DealMove): Promise<void> {
    await this.deals.update({ id }, move);
  }

  /** The deal with what its view shows: pipeline, stage, lead and the lead's organization. */
  findWithRelations(id: string): Promise<DealEntity | null> {
    return this.withRelations(this.deals.createQueryBuilder('deal')).where('deal.id = :id', { id }).getOne();
  }

  /** One page of `GET /deals`, by page or by cursor (api.md §1.4). */
  list(query: ListDealsQuery): Promise<KeysetRead<DealEntity>> {
    const sortBy = query.sort_by ?? 'created_at';
    const direction = query.sort_order ?? 'desc';
    const column = DEAL_SORT_COLUMNS[sortBy];
    const keyset = new Keyset({ list: 'deals', sortBy, direction, columns: [column], id: 'deal.id' }, query);
    const qb = this.withRelations(this.deals.createQueryBuilder('deal'));
    this.applyFilters(qb, query);
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy(column.sql, order, 'NULLS LAST').addOrderBy('deal.id', order);
    return readKeysetPage(qb, keyset);
  }

  /** The deals of a pipeline in board order (stage position, then Kanban position), offset-based. */
  listInPipeline(query: ListPipelineDealsQuery): Promise<DealEntity[]> {
    const qb = this.withRelations(this.deals.createQueryBuilder('deal')).where('deal.pipelineId = :id', {
      id: query.id,
    });
    if (query.status) qb.andWhere('deal.status = :status', { status: query.status });
    return qb
      .orderBy('stage.position', 'ASC')
      .addOrderBy('deal.position', 'ASC')
      .addOrderBy('deal.createdAt', 'ASC')
      .addOrderBy('deal.id', 'ASC')
      .offset(query.offset)
      .limit(query.limit)
      .getMany();
  }

  async insertHistory(row: NewStageHistory): Promise<DealStageHistoryEntity> {
    return this.history.save(this.history.create(row));
  }

  /** The stage history of every deal of a lead, newest first (its timeline), with the deal's name. */
  historyOfLead(leadId: string, limit: number): Promise<(DealStageHistoryEntity & { dealName: string })[]> {
    return this.tx.manager.query(
      `SELECT h.id, h.deal_id AS "dealId", h.from_stage_id AS "fromStageId", h.from_stage_name AS "fromStageName",
              h.to_stage_id AS "toStageId", h.to_stage_name AS "toStageName", h.from_status AS "fromStatus",
              h.to_status AS "toStatus", h.moved_at AS "movedAt",
              h.time_in_previous_stage_seconds AS "timeInPreviousStageSeconds", h.reason,
              h.moved_by_type AS "movedByType", h.moved_by_id AS "movedById", h.moved_by_name AS "movedByName",
              d.name AS "dealName"
         FROM deal_stage_history h JOIN deals d ON d.id = h.deal_id
        WHERE d.lead_id = $1
        ORDER BY h.moved_at DESC, h.id DESC LIMIT $2`,
      [leadId, limit],
    );
  }

  /** Oldest first. */
  listHistory(dealId: string): Promise<DealStageHistoryEntity[]> {
    return this.history.find({ where: { dealId }, order: { movedAt: 'ASC', id: 'ASC' } });
  }

  async exists(id: string): Promise<boolean> {
    return this.deals.existsBy({ id });
  }

  private withRelations(qb: SelectQueryBuilder<DealEntity>): SelectQueryBuilder<DealEntity> {
    return qb
      .leftJoinAndSelect('deal.pipeline', 'pipeline')
      .leftJoinAndSelect('deal.stage', 'stage')
      .leftJoinAndSelect('deal.owner', 'owner')
      .leftJoinAndSelect('deal.lead', 'lead')
      .leftJoinAndSelect('lead.organization', 'organization');
  }

  private applyFilters(qb: SelectQueryBuilder<DealEntity>, query: ListDealsQuery): void {
    const equals: [keyof ListDealsQuery, string][] = [
      ['pipeline_id', 'pipelineId'],
      ['stage_id', 'stageId'],
      ['lead_id', 'leadId'],
      ['status', 'status'],
      ['assigned_to', 'assignedTo'],
    ];
    for (const [key, property] of equals) {
      if (query[key] !== undefined) qb.andWhere(`deal.${property} = :${key}`, { [key]: query[key] });
    }
    if (query.id?.length) qb.andWhere('deal.id IN (:...ids)', { ids: query.id });
    if (query.min_value !== undefined) qb.andWhere('deal.value >= :minValue', { minValue: query.min_value });
    if (query.max_value !== undefined) qb.andWhere('deal.value <= :maxValue', { maxValue: query.max_value });
    if (query.created_after !== undefined)
      qb.andWhere('deal.createdAt >= :createdAfter', { createdAfter: query.created_after });
    if (query.created_before !== undefined) {
      qb.andWhere('deal.createdAt < :createdBefore', { createdBefore: query.created_before });
    }
    if (query.search?.trim()) {
      const term = likePattern(query.search.trim());
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('deal.name ILIKE :term', { term })
            .orWhere('lead.email ILIKE :term')
            .orWhere(`concat_ws(' ', lead.firstName, lead.lastName) ILIKE :term`),
        ),
      );
    }
  }
}

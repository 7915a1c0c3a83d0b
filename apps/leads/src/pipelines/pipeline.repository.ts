import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TransactionHost } from '@crm/service-kit';
import { PipelineEntity } from './pipeline.entity';
import { StageEntity } from './stage.entity';

export type PipelineFields = Pick<
  PipelineEntity,
  'slug' | 'name' | 'description' | 'isActive' | 'salesCycleDays' | 'targetPersona' | 'config'
>;
export type StageFields = Pick<StageEntity, 'slug' | 'name' | 'color' | 'stageType'>;

/** Deals that keep a pipeline or stage from being deleted. */
export interface DealCounts {
  open: number;
  closed: number;
}

/** Serialises changes of the default pipeline (any constant unique to this use). */
const DEFAULT_PIPELINE_LOCK = 'leads.pipelines.default';

export interface PipelineSummary {
  pipelineId: string;
  dealsCount: number;
  /** sum of open deal values, as pg's numeric string */
  totalValue: string;
  stagesCount: number;
}

@Injectable()
export class PipelineRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get pipelines() {
    return this.tx.manager.getRepository(PipelineEntity);
  }

  private get stages() {
    return this.tx.manager.getRepository(StageEntity);
  }

  findPipeline(id: string): Promise<PipelineEntity | null> {
    return this.pipelines.findOneBy({ id });
  }

  findPipelineBySlug(slug: string): Promise<PipelineEntity | null> {
    return this.pipelines.findOneBy({ slug });
  }

  /** Those of `slugs` some pipeline has. */
  async existingSlugs(slugs: string[]): Promise<string[]> {
    const rows = await this.pipelines.find({ select: { slug: true }, where: { slug: In(slugs) } });
    return rows.map((row) => row.slug);
  }

  listPipelines(includeInactive: boolean): Promise<PipelineEntity[]> {
    return this.pipelines.find({
      where: includeInactive ? {} : { isActive: true },
      order: { isDefault: 'DESC', createdAt: 'ASC', name: 'ASC' },
    });
  }

  /** Open deals (count and value) and stages per pipeline. */
  async summaries(pipelineIds: string[]): Promise<PipelineSummary[]> {
    if (!pipelineIds.length) return [];
    const rows: { pipeline_id: string; deals_count: string; total_value: string; stages_count: string }[] =
      await this.pipelines
        .createQueryBuilder('p')
        .select('p.id', 'pipeline_id')
        .addSelect(
          `(SELECT count(*) FROM ${this.tableOf('deals')} d WHERE d.pipeline_id = p.id AND d.status = 'open')`,
          'deals_count',
        )
        .addSelect(
          `(SELECT COALESCE(sum(d.value), 0) FROM ${this.tableOf('deals')} d WHERE d.pipeline_id = p.id AND d.status = 'open')`,
          'total_value',
        )
        .addSelect(
          `(SELECT count(*) FROM ${this.tableOf('stages')} s WHERE s.pipeline_id = p.id)`,
          'stages_count',
        )
        .where('p.id IN (:...ids)', { ids: pipelineIds })
        .getRawMany();
    return rows.map((r) => ({
      pipelineId: r.pipeline_id,
      dealsCount: Number(r.deals_count),
      totalValue: r.total_value,
      stagesCount: Number(r.stages_count),
    }));
  }

  /** Deals by status with values, and the average days from creation to close of closed deals. */
  async dealFigures(pipelineId: string): Promise<{
    byStatus: { status: string; count: number; value: string }[];
    avgCycleDays: number | null;
  }> {
    const byStatus: { status: string; count: number; value: string }[] = await this.tx.manager.query(
      `SELECT status, count(*)::int AS count, coalesce(sum(value), 0)::text AS value
         FROM ${this.tableOf('deals')} WHERE pipeline_id = $1 GROUP BY status`,
      [pipelineId],
    );
    const [{ days }]: { days: string | null }[] = await this.tx.manager.query(
      `SELECT avg(extract(epoch FROM closed_at - created_at) / 86400)::text AS days
         FROM ${this.tableOf('deals')} WHERE pipeline_id = $1 AND closed_at IS NOT NULL`,
      [pipelineId],
    );
    return { byStatus, avgCycleDays: days === null ? null : Number(days) };
  }

  /** Open deals per stage (every stage, in board order). */
  async openDealsPerStage(pipelineId: string): Promise<
    {
      stage_id: string;
      stage_name: string;
      stage_position: number;
      deals_count: number;
      total_value: string;
    }[]
  > {
    return this.tx.manager.query(
      `SELECT s.id AS stage_id, s.name AS stage_name, s.position AS stage_position,
              count(d.id)::int AS deals_count, coalesce(sum(d.value), 0)::text AS total_value
         FROM ${this.tableOf('stages')} s
         LEFT JOIN ${this.tableOf('deals')} d ON d.stage_id = s.id AND d.status = 'open'
        WHERE s.pipeline_id = $1
        GROUP BY s.id, s.name, s.position ORDER BY s.position`,
      [pipelineId],
    );
  }

  /** Stages of a pipeline in board order. */
  listStages(pipelineId: string): Promise<StageEntity[]> {
    return this.stages.find({ where: { pipelineId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  findStage(id: string): Promise<StageEntity | null> {
    return this.stages.findOneBy({ id });
  }

  /** The pipeline, locked until the transaction ends: its edits and its stages' edits apply one after another. */
  lockPipeline(id: string): Promise<PipelineEntity | null> {
    return this.pipelines.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  async insertPipeline(fields: PipelineFields): Promise<string> {
    const { identifiers } = await this.pipelines.insert({
      ...fields,
      isDefault: false,
    } as QueryDeepPartialEntity<PipelineEntity>);
    return identifiers[0].id as string;
  }

  async updatePipeline(id: string, fields: PipelineFields): Promise<void> {
    await this.pipelines.update({ id }, fields as QueryDeepPartialEntity<PipelineEntity>);
  }

  async deletePipeline(id: string): Promise<void> {
    await this.pipelines.delete({ id });
  }

  /**
   * Makes `id` the only default pipeline. Taken under a transaction-scoped advisory lock, so two concurrent
   * switches run one after the other and the second clears the first's default (each statement after the lock
   * sees what the first committed); the partial unique index allows at most one default at any time.
   */
  async makeSoleDefault(id: string): Promise<void> {
    await this.tx.manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [DEFAULT_PIPELINE_LOCK]);
    await this.pipelines
      .createQueryBuilder()
      .update()
      .set({ isDefault: false })
      .where('is_default AND id <> :id', { id })
      .execute();
    await this.pipelines.update({ id }, { isDefault: true });
  }

  /** Open and closed deals of a pipeline, or of one stage. */
  async dealCounts(where: { pipelineId: string } | { stageId: string }): Promise<DealCounts> {
    const [column, id] = 'stageId' in where ? ['stage_id', where.stageId] : ['pipeline_id', where.pipelineId];
    const [row]: { open: number; closed: number }[] = await this.tx.manager.query(
      `SELECT count(*) FILTER (WHERE status = 'open')::int AS open,
              count(*) FILTER (WHERE status <> 'open')::int AS closed
         FROM ${this.tableOf('deals')} WHERE ${column} = $1`,
      [id],
    );
    return row;
  }

  /** The stage, locked until the transaction ends. */
  lockStage(id: string): Promise<StageEntity | null> {
    return this.stages.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  countStages(pipelineId: string): Promise<number> {
    return this.stages.countBy({ pipelineId });
  }

  /** Moves the stages at and after `position` down by one (positions are not unique, so one statement does). */
  async shiftStagesFrom(pipelineId: string, position: number): Promise<void> {
    await this.stages
      .createQueryBuilder()
      .update()
      .set({ position: () => 'position + 1' })
      .where('pipeline_id = :pipelineId AND position >= :position', { pipelineId, position })
      .execute();
  }

  async insertStage(
    fields: StageFields & { id?: string; pipelineId: string; position: number },
  ): Promise<string> {
    const { identifiers } = await this.stages.insert(fields);
    return identifiers[0].id as string;
  }

  async updateStage(id: string, fields: StageFields): Promise<void> {
    await this.stages.update({ id }, fields);
  }

  async deleteStage(id: string): Promise<void> {
    await this.stages.delete({ id });
  }

  /** Positions 1…n in the given order. */
  async setStagePositions(pipelineId: string, orderedIds: readonly string[]): Promise<void> {
    await this.tx.manager.query(
      `UPDATE ${this.tableOf('stages')} s SET position = o.position, updated_at = now()
         FROM unnest($2::uuid[]) WITH ORDINALITY AS o(id, position)
        WHERE s.id = o.id AND s.pipeline_id = $1 AND s.position <> o.position`,
      [pipelineId, orderedIds],
    );
  }

  private tableOf(table: string): string {
    const schema = this.pipelines.metadata.schema;
    return schema ? `"${schema}"."${table}"` : `"${table}"`;
  }
}

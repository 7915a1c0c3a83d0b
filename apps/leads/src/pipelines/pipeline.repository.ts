import { Injectable } from '@nestjs/common';
import { In } from 'typeorm';
import { TransactionHost } from '@crm/service-kit';
import { PipelineEntity } from './pipeline.entity';
import { StageEntity } from './stage.entity';

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

  /** Stages of a pipeline in board order. */
  listStages(pipelineId: string): Promise<StageEntity[]> {
    return this.stages.find({ where: { pipelineId }, order: { position: 'ASC', createdAt: 'ASC' } });
  }

  findStage(id: string): Promise<StageEntity | null> {
    return this.stages.findOneBy({ id });
  }

  private tableOf(table: string): string {
    const schema = this.pipelines.metadata.schema;
    return schema ? `"${schema}"."${table}"` : `"${table}"`;
  }
}

import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  NotFoundError,
  type ByIdCommand,
  type CreatePipelineCommand,
  type CreateStageCommand,
  type PipelineView,
  type ReorderStagesCommand,
  type StageView,
  type UpdatePipelineCommand,
  type UpdateStageCommand,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { isForeignKeyViolation, isUniqueViolation } from '../common/pg-errors';
import { RoutingConfigService } from '../routing/routing-config.service';
import type { PipelineEntity } from './pipeline.entity';
import { toPipelineView, toStageView } from './pipeline.mapper';
import { PipelineRepository, type DealCounts, type PipelineFields } from './pipeline.repository';
import { insertPosition, reorderProblems, slugify } from './pipeline.rules';

/** Unique constraints of pipelines and stages, and the field a clash names (409). */
const UNIQUE_FIELDS = [
  ['pipelines_slug_key', 'slug', 'Another pipeline has this slug'],
  ['stages_pipeline_slug_key', 'slug', 'Another stage of this pipeline has this slug'],
  ['stages_pipeline_stage_type_key', 'stage_type', 'Another stage of this pipeline has this stage_type'],
] as const;

/**
 * Pipeline and stage edits (api.md §7). Every edit of a pipeline or of its stages locks the pipeline row first,
 * so stage positions are shifted and renumbered by one edit at a time and stay 1…n.
 */
@Injectable()
export class PipelineEditsService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly pipelines: PipelineRepository,
    private readonly routingConfig: RoutingConfigService,
    logger: AppLogger,
  ) {
    this.log = logger.child('pipeline-edits');
  }

  /** 201; `is_default` true takes the default from the pipeline that had it. */
  async createPipeline({ body }: CreatePipelineCommand): Promise<PipelineView> {
    const fields: PipelineFields = {
      name: body.name,
      slug: body.slug ?? derivedSlug(body.name),
      description: body.description ?? null,
      isActive: body.is_active ?? true,
      salesCycleDays: body.sales_cycle_days ?? null,
      targetPersona: body.target_persona ?? null,
      config: body.config ?? {},
    };
    assertDefaultActive(body.is_default === true, fields.isActive);
    const id = await this.unique({ slug: fields.slug }, () =>
      this.tx.transaction(async () => {
        const created = await this.pipelines.insertPipeline(fields);
        if (body.is_default) await this.pipelines.makeSoleDefault(created);
        return created;
      }),
    );
    this.log.info({ pipeline_id: id, is_default: body.is_default === true }, 'pipeline created');
    return this.pipelineView(id);
  }

  /**
   * Partial. There is always exactly one default: `is_default` true moves it here; false on the default → 400
   * (make another pipeline the default instead). A slug that routing settings name cannot change (409).
   */
  async updatePipeline({ id, body }: UpdatePipelineCommand): Promise<PipelineView> {
    await this.unique({ slug: body.slug }, () =>
      this.tx.transaction(async () => {
        const current = await this.pipelines.lockPipeline(id);
        if (!current) throw new NotFoundError('Pipeline', id);
        const next: PipelineFields = {
          name: body.name ?? current.name,
          slug: body.slug ?? current.slug,
          description: body.description === undefined ? current.description : body.description,
          isActive: body.is_active ?? current.isActive,
          salesCycleDays:
            body.sales_cycle_days === undefined ? current.salesCycleDays : body.sales_cycle_days,
          targetPersona: body.target_persona === undefined ? current.targetPersona : body.target_persona,
          config: body.config === undefined ? current.config : (body.config ?? {}),
        };
        const isDefault = body.is_default ?? current.isDefault;
        if (current.isDefault && !isDefault) {
          throw invalid(
            'body.is_default',
            'there is always one default pipeline: make another pipeline the default instead',
            'defaultRequired',
          );
        }
        assertDefaultActive(isDefault, next.isActive);
        if (next.slug !== current.slug) await this.assertNotRoutedTo(current, 'change the slug of');
        await this.pipelines.updatePipeline(id, next);
        if (isDefault && !current.isDefault) await this.pipelines.makeSoleDefault(id);
      }),
    );
    return this.pipelineView(id);
  }

  /** 204. 400 for the default pipeline; 409 while deals are in it or routing settings name it. */
  async deletePipeline({ id }: ByIdCommand): Promise<void> {
    await this.deleting(() =>
      this.tx.transaction(async () => {
        const pipeline = await this.pipelines.lockPipeline(id);
        if (!pipeline) throw new NotFoundError('Pipeline', id);
        if (pipeline.isDefault) {
          throw new BadRequestError(
            'The default pipeline cannot be deleted; make another pipeline the default first',
            {
              pipeline_id: id,
            },
          );
        }
        assertNoDeals(await this.pipelines.dealCounts({ pipelineId: id }), 'pipeline');
        await this.assertNotRoutedTo(pipeline, 'delete');
        await this.pipelines.deletePipeline(id);
      }),
    );
    this.log.info({ pipeline_id: id }, 'pipeline deleted');
  }

  /** 201; at `position` (default last), the stages from there on move down by one. */
  async createStage({
    pipeline_id: pipelineId,
    stage_id: stageId,
    body,
  }: CreateStageCommand): Promise<StageView> {
    const slug = body.slug ?? derivedSlug(body.name);
    const id = await this.unique({ slug, stage_type: body.stage_type }, () =>
      this.tx.transaction(async () => {
        if (!(await this.pipelines.lockPipeline(pipelineId))) throw new NotFoundError('Pipeline', pipelineId);
        const position = insertPosition(await this.pipelines.countStages(pipelineId), body.position);
        await this.pipelines.shiftStagesFrom(pipelineId, position);
        return this.pipelines.insertStage({
          id: stageId,
          pipelineId,
          slug,
          name: body.name,
          position,
          color: body.color ?? null,
          stageType: body.stage_type ?? null,
        });
      }),
    );
    this.log.info({ stage_id: id, pipeline_id: pipelineId }, 'stage created');
    return this.stageView(id);
  }

  /** Partial: name, slug, color, stage_type (`null` clears the last two). Position changes go through reorder. */
  async updateStage({ id, body }: UpdateStageCommand): Promise<StageView> {
    await this.unique({ slug: body.slug, stage_type: body.stage_type }, () =>
      this.tx.transaction(async () => {
        const current = await this.lockedStage(id);
        await this.pipelines.updateStage(id, {
          name: body.name ?? current.name,
          slug: body.slug ?? current.slug,
          color: body.color === undefined ? current.color : body.color,
          stageType: body.stage_type === undefined ? current.stageType : body.stage_type,
        });
      }),
    );
    return this.stageView(id);
  }

  /** `stage_ids` must list every stage of the pipeline exactly once (400 otherwise); positions become 1…n. */
  async reorderStages({
    pipeline_id: pipelineId,
    body,
  }: ReorderStagesCommand): Promise<{ data: StageView[] }> {
    const stages = await this.tx.transaction(async () => {
      if (!(await this.pipelines.lockPipeline(pipelineId))) throw new NotFoundError('Pipeline', pipelineId);
      const current = await this.pipelines.listStages(pipelineId);
      const problems = reorderProblems(
        current.map((stage) => stage.id),
        body.stage_ids,
      );
      if (problems.length) {
        throw new BadRequestError('stage_ids must list every stage of the pipeline exactly once', {
          validation_errors: problems.map((message) => ({
            path: 'body.stage_ids',
            message,
            code: 'stageSet',
          })),
        });
      }
      await this.pipelines.setStagePositions(pipelineId, body.stage_ids);
      return this.pipelines.listStages(pipelineId);
    });
    return { data: stages.map(toStageView) };
  }

  /** 204. 400 for the pipeline's last stage; 409 while deals are in it; the stages after it move up. */
  async deleteStage({ id }: ByIdCommand): Promise<void> {
    await this.deleting(() =>
      this.tx.transaction(async () => {
        const stage = await this.lockedStage(id);
        const stages = await this.pipelines.listStages(stage.pipelineId);
        if (stages.length <= 1) {
          throw new BadRequestError('A pipeline keeps at least one stage; this is its last', {
            stage_id: id,
          });
        }
        assertNoDeals(await this.pipelines.dealCounts({ stageId: id }), 'stage');
        await this.pipelines.deleteStage(id);
        await this.pipelines.setStagePositions(
          stage.pipelineId,
          stages.filter((s) => s.id !== id).map((s) => s.id),
        );
      }),
    );
    this.log.info({ stage_id: id }, 'stage deleted');
  }

  /** The stage, after locking its pipeline (so the pipeline's stage edits serialise); 404 when unknown. */
  private async lockedStage(id: string) {
    const stage = await this.pipelines.findStage(id);
    if (!stage) throw new NotFoundError('Stage', id);
    await this.pipelines.lockPipeline(stage.pipelineId);
    const locked = await this.pipelines.lockStage(id);
    if (!locked) throw new NotFoundError('Stage', id);
    return locked;
  }

  /** Routing sends leads to pipelines by slug: the slug must keep naming a pipeline while settings use it. */
  private async assertNotRoutedTo(pipeline: PipelineEntity, what: string): Promise<void> {
    const references = await this.routingConfig.pipelineReferences(pipeline.slug);
    if (references.length) {
      throw new ConflictError(
        `Routing settings send leads to this pipeline; change them (PUT /routing/config) before you ${what} it`,
        { slug: pipeline.slug, routing_config: references },
      );
    }
  }

  /** A clash on a unique slug or stage type becomes 409 naming the field and the value. */
  private async unique<T>(
    fields: { slug?: string | null; stage_type?: string | null },
    work: () => Promise<T>,
  ) {
    try {
      return await work();
    } catch (error) {
      const clash = UNIQUE_FIELDS.find(([constraint]) => isUniqueViolation(error, constraint));
      if (clash) throw new ConflictError(clash[2], { [clash[1]]: fields[clash[1]] });
      throw error;
    }
  }

  /** A deal written after the check (a race) still keeps its stage or pipeline: its foreign key says 409. */
  private async deleting(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (error) {
      if (isForeignKeyViolation(error)) throw new ConflictError('Deals were added meanwhile; try again');
      throw error;
    }
  }

  private async pipelineView(id: string): Promise<PipelineView> {
    const pipeline = await this.pipelines.findPipeline(id);
    if (!pipeline) throw new NotFoundError('Pipeline', id);
    return toPipelineView(pipeline);
  }

  private async stageView(id: string): Promise<StageView> {
    const stage = await this.pipelines.findStage(id);
    if (!stage) throw new NotFoundError('Stage', id);
    return toStageView(stage);
  }
}

function derivedSlug(name: string): string {
  const slug = slugify(name);
  if (!slug) throw invalid('body.slug', 'no slug can be derived from this name; send a slug', 'slugRequired');
  return slug;
}

function assertDefaultActive(isDefault: boolean, isActive: boolean): void {
  if (isDefault && !isActive) {
    throw invalid('body.is_active', 'the default pipeline must be active', 'defaultInactive');
  }
}

function assertNoDeals(counts: DealCounts, what: 'pipeline' | 'stage'): void {
  if (counts.open || counts.closed) {
    throw new ConflictError(
      counts.open
        ? `The ${what} has open deals; move or close them first`
        : `The ${what} holds closed deals, whose record would be lost${what === 'pipeline' ? '; deactivate it (is_active: false) instead' : ''}`,
      { open_deals: counts.open, closed_deals: counts.closed },
    );
  }
}

function invalid(path: string, message: string, code: string): BadRequestError {
  return new BadRequestError(message, { validation_errors: [{ path, message, code }] });
}

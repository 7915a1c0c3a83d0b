import type { PipelineView, StageView } from '@crm/contracts';
import { toMoney } from '../common/money';
import type { PipelineSummary } from './pipeline.repository';
import type { PipelineEntity } from './pipeline.entity';
import type { StageEntity } from './stage.entity';

export function toPipelineView(pipeline: PipelineEntity, summary?: PipelineSummary): PipelineView {
  const view: PipelineView = {
    id: pipeline.id,
    slug: pipeline.slug,
    name: pipeline.name,
    description: pipeline.description,
    is_active: pipeline.isActive,
    is_default: pipeline.isDefault,
    sales_cycle_days: pipeline.salesCycleDays,
    target_persona: pipeline.targetPersona,
    config: pipeline.config ?? {},
    created_at: pipeline.createdAt.toISOString(),
    updated_at: pipeline.updatedAt.toISOString(),
  };
  if (summary) {
    view.deals_count = summary.dealsCount;
    view.total_value = toMoney(summary.totalValue) ?? 0;
    view.stages_count = summary.stagesCount;
  }
  return view;
}

export function toStageView(stage: StageEntity): StageView {
  return {
    id: stage.id,
    pipeline_id: stage.pipelineId,
    slug: stage.slug,
    name: stage.name,
    position: stage.position,
    color: stage.color,
    stage_type: stage.stageType,
    created_at: stage.createdAt.toISOString(),
  };
}

import { Controller, Get, Param, Query } from '@nestjs/common';
import type { PipelineMetricsView, PipelineView, StageView } from '@crm/contracts';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { PipelinesService } from './pipelines.service';

@Controller(`${API_PREFIX}/pipelines`)
export class PipelinesController {
  constructor(private readonly pipelines: PipelinesService) {}

  @Get()
  list(@Query() query: unknown): Promise<{ data: PipelineView[] }> {
    return this.pipelines.list(query);
  }

  @Get(':id')
  get(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<PipelineView & { stages?: StageView[] }> {
    return this.pipelines.get(id, query);
  }

  @Get(':id/metrics')
  metrics(@Param('id', new UuidParamPipe()) id: string): Promise<PipelineMetricsView> {
    return this.pipelines.metrics(id);
  }

  @Get(':id/stages')
  stages(@Param('id', new UuidParamPipe()) id: string): Promise<{ data: StageView[] }> {
    return this.pipelines.stages(id);
  }
}

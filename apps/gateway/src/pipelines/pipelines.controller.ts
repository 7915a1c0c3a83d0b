import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  type DealView,
  type PipelineMetricsView,
  type PipelineView,
  CreatePipelineBody,
  CreateStageBody,
  GetPipelineQuery,
  ListPipelineDealsQuery,
  ListPipelinesQuery,
  ReorderStagesBody,
  UpdatePipelineBody,
} from '@crm/contracts';
import { ConfigAccess, CurrentPrincipal } from '../auth/auth.decorators';
import type { Principal } from '../auth/principal';
import { API_PREFIX } from '../http/api-prefix';
import { UuidParamPipe } from '../http/validation';
import { PipelinesService } from './pipelines.service';
import { StagesService, type ConfiguredStageView } from './stages.service';
import type { ListedStageView } from './stage-automation-config';
import { ContractBody, ContractQuery } from '../openapi/contract-schema.decorators';

/** api.md §7: reads for members and read keys; edits are `config` (admins and marketing managers). */
@Controller(`${API_PREFIX}/pipelines`)
export class PipelinesController {
  constructor(
    private readonly pipelines: PipelinesService,
    private readonly stages: StagesService,
  ) {}

  @Get()
  @ContractQuery(ListPipelinesQuery)
  list(@Query() query: unknown): Promise<{ data: PipelineView[] }> {
    return this.pipelines.list(query);
  }

  @Post()
  @ConfigAccess()
  @HttpCode(201)
  @ContractBody(CreatePipelineBody)
  create(@CurrentPrincipal() principal: Principal, @Body() body: unknown): Promise<PipelineView> {
    return this.pipelines.create(principal, body);
  }

  @Get(':id')
  @ContractQuery(GetPipelineQuery, { omit: ['id'] })
  get(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<PipelineView & { stages?: ListedStageView[] }> {
    return this.pipelines.get(id, query);
  }

  @Patch(':id')
  @ConfigAccess()
  @ContractBody(UpdatePipelineBody)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<PipelineView> {
    return this.pipelines.update(principal, id, body);
  }

  @Delete(':id')
  @ConfigAccess()
  @HttpCode(204)
  delete(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
  ): Promise<void> {
    return this.pipelines.delete(principal, id);
  }

  @Get(':id/metrics')
  metrics(@Param('id', new UuidParamPipe()) id: string): Promise<PipelineMetricsView> {
    return this.pipelines.metrics(id);
  }

  @Get(':id/deals')
  @ContractQuery(ListPipelineDealsQuery, { omit: ['id'] })
  deals(
    @Param('id', new UuidParamPipe()) id: string,
    @Query() query: unknown,
  ): Promise<{ data: DealView[] }> {
    return this.pipelines.deals(id, query);
  }

  @Get(':id/stages')
  stageList(@Param('id', new UuidParamPipe()) id: string): Promise<{ data: ListedStageView[] }> {
    return this.pipelines.stages(id);
  }

  @Post(':id/stages')
  @ConfigAccess()
  @HttpCode(201)
  @ContractBody(CreateStageBody)
  createStage(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<ConfiguredStageView> {
    return this.stages.create(principal, id, body);
  }

  @Post(':id/stages/reorder')
  @ConfigAccess()
  @HttpCode(200)
  @ContractBody(ReorderStagesBody)
  reorderStages(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new UuidParamPipe()) id: string,
    @Body() body: unknown,
  ): Promise<{ data: ListedStageView[] }> {
    return this.stages.reorder(principal, id, body);
  }
}

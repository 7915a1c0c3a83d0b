import { Injectable } from '@nestjs/common';
import {
  CreatePipelineBody,
  GetPipelineQuery,
  ListPipelineDealsQuery,
  ListPipelinesQuery,
  Queries,
  UpdatePipelineBody,
  type DealView,
  type PipelineMetricsView,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
import { actorOf, type Principal } from '../auth/principal';
import { validateInput } from '../http/validation';
import { asDataList, GatewayRpc } from '../rpc/gateway-rpc';
import { StageAutomationConfig, type ListedStageView } from './stage-automation-config';

/** Pipelines and stages are owned by the leads service (api.md §7). */
@Injectable()
export class PipelinesService {
  constructor(
    private readonly rpc: GatewayRpc,
    private readonly automationConfig: StageAutomationConfig,
  ) {}

  async list(query: unknown): Promise<{ data: PipelineView[] }> {
    return asDataList(
      await this.rpc.request(Queries.LeadsListPipelines, validateInput(ListPipelinesQuery, query)),
    );
  }

  async get(pipelineId: string, query: unknown): Promise<PipelineView & { stages?: ListedStageView[] }> {
    const pipeline = await this.rpc.request<PipelineView & { stages?: StageView[] }>(
      Queries.LeadsGetPipeline,
      validateInput(GetPipelineQuery, { ...(query as object), id: pipelineId }),
    );
    if (!pipeline.stages) return pipeline as PipelineView;
    return { ...pipeline, stages: await this.automationConfig.merge(pipeline.stages) };
  }

  metrics(pipelineId: string): Promise<PipelineMetricsView> {
    return this.rpc.request(Queries.LeadsPipelineMetrics, { id: pipelineId });
  }

  async stages(pipelineId: string): Promise<{ data: ListedStageView[] }> {
    const { data } = asDataList(
      await this.rpc.request<StageView[] | { data: StageView[] }>(Queries.LeadsListStages, {
        id: pipelineId,
      }),
    );
    return { data: await this.automationConfig.merge(data) };
  }

  async deals(pipelineId: string, query: unknown): Promise<{ data: DealView[] }> {
    return asDataList(
      await this.rpc.request(
        Queries.LeadsListPipelineDeals,
        validateInput(ListPipelineDealsQuery, { ...(query as object), id: pipelineId }),
      ),
    );
  }

  create(principal: Principal, body: unknown): Promise<PipelineView> {
    return this.rpc.request(Queries.LeadsCreatePipeline, {
      actor: actorOf(principal),
      body: validateInput(CreatePipelineBody, body),
    });
  }

  update(principal: Principal, id: string, body: unknown): Promise<PipelineView> {
    return this.rpc.request(Queries.LeadsUpdatePipeline, {
      actor: actorOf(principal),
      id,
      body: validateInput(UpdatePipelineBody, body),
    });
  }

  async delete(principal: Principal, id: string): Promise<void> {
    await this.rpc.request(Queries.LeadsDeletePipeline, { actor: actorOf(principal), id });
  }
}

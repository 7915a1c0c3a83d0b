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

/** Pipelines and stages are owned by the leads service (api.md §7). */
@Injectable()
export class PipelinesService {
  constructor(private readonly rpc: GatewayRpc) {}

  async list(query: unknown): Promise<{ data: PipelineView[] }> {
    return asDataList(
      await this.rpc.request(Queries.LeadsListPipelines, validateInput(ListPipelinesQuery, query)),
    );
  }

  get(pipelineId: string, query: unknown): Promise<PipelineView & { stages?: StageView[] }> {
    return this.rpc.request(
      Queries.LeadsGetPipeline,
      validateInput(GetPipelineQuery, { ...(query as object), id: pipelineId }),
    );
  }

  metrics(pipelineId: string): Promise<PipelineMetricsView> {
    return this.rpc.request(Queries.LeadsPipelineMetrics, { id: pipelineId });
  }

  async stages(pipelineId: string): Promise<{ data: StageView[] }> {
    return asDataList(await this.rpc.request(Queries.LeadsListStages, { id: pipelineId }));
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

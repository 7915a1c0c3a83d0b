import { Injectable } from '@nestjs/common';
import {
  GetPipelineQuery,
  ListPipelinesQuery,
  Queries,
  type PipelineMetricsView,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
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
}

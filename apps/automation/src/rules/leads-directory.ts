import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  Queries,
  type LeadView,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
import { RpcClient } from '@crm/messaging';
import type { PipelineCatalog } from './rule-validation';

/** What rules need to know from leads, asked over its request-reply queries (automation keeps no copy). */
@Injectable()
export class LeadsDirectory {
  constructor(private readonly rpc: RpcClient) {}

  /** Every pipeline (inactive ones too) with its stages. */
  async catalog(): Promise<PipelineCatalog> {
    const { data } = await this.rpc.request<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {
      include_inactive: true,
    });
    const pipelines = await Promise.all(
      data.map((pipeline) =>
        this.rpc.request<PipelineView & { stages?: StageView[] }>(Queries.LeadsGetPipeline, {
          id: pipeline.id,
          include_stages: true,
        }),
      ),
    );
    return {
      pipelines: pipelines.map((p) => ({
        id: p.id,
        slug: p.slug,
        name: p.name,
        stages: (p.stages ?? []).map((s) => ({ id: s.id, slug: s.slug, name: s.name, pipeline_id: p.id })),
      })),
    };
  }

  /** The lead, or null when leads does not know it (erased, or never existed). */
  async lead(id: string): Promise<LeadView | null> {
    try {
      return await this.rpc.request<LeadView>(Queries.LeadsGetLead, { id });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) return null;
      throw error;
    }
  }
}

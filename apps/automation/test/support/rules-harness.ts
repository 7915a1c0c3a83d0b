import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  Queries,
  type DomainError,
  type LeadView,
  type PipelineView,
  type StageView,
} from '@crm/contracts';
import type { NatsTestClient } from '@crm/testing';

export interface TestStage {
  id: string;
  slug: string;
  name: string;
}

export interface TestPipeline {
  id: string;
  slug: string;
  name: string;
  stages: TestStage[];
}

function pipeline(slug: string, name: string, stageSlugs: string[]): TestPipeline {
  return {
    id: randomUUID(),
    slug,
    name,
    stages: stageSlugs.map((stageSlug) => ({
      id: randomUUID(),
      slug: stageSlug,
      name: stageSlug[0].toUpperCase() + stageSlug.slice(1),
    })),
  };
}

/**
 * A stand-in for the leads service's read queries the rules module asks (pipelines with their stages, a lead),
 * answering in the messaging reply format from fixed data, the way the gateway tests stand in for leads.
 */
export class LeadsStandIn {
  readonly b2b = pipeline('b2b-lab-enablement', 'B2B Lab Enablement', [
    'qualified',
    'proposal',
    'negotiation',
  ]);
  readonly research = pipeline('research-lab', 'Research Lab', ['qualified', 'discovery']);
  /** Leads that leads does not know (erased): asking for one answers 404. */
  readonly unknownLeads = new Set<string>();
  /** How often each query was asked. */
  readonly calls = new Map<string, number>();
  private readonly subscriptions: ReturnType<NatsTestClient['nc']['subscribe']>[] = [];

  constructor(private readonly nats: NatsTestClient) {}

  get pipelines(): TestPipeline[] {
    return [this.b2b, this.research];
  }

  stage(pipelineSlug: string, stageSlug: string): TestStage {
    const found = this.pipelines
      .find((p) => p.slug === pipelineSlug)
      ?.stages.find((s) => s.slug === stageSlug);
    if (!found) throw new Error(`no stage ${pipelineSlug}/${stageSlug} in the stand-in`);
    return found;
  }

  lead(id: string): LeadView {
    return {
      id,
      email: 'ada@example.com',
      first_name: 'Ada',
      last_name: 'Lovelace',
      phone: null,
      job_title: 'Head of Lab',
      organization_id: null,
      organization_name: null,
      total_score: 42,
    } as LeadView;
  }

  async start(): Promise<void> {
    this.answer(Queries.LeadsListPipelines, () => ({
      data: this.pipelines.map((p) => this.pipelineView(p)),
    }));
    this.answer(Queries.LeadsGetPipeline, (query: { id: string }) => {
      const found = this.pipelines.find((p) => p.id === query.id);
      if (!found) throw new NotFoundError('Pipeline', query.id);
      return { ...this.pipelineView(found), stages: found.stages.map((s, i) => this.stageView(found, s, i)) };
    });
    this.answer(Queries.LeadsGetLead, (query: { id: string }) => {
      if (this.unknownLeads.has(query.id)) throw new NotFoundError('Lead', query.id);
      return this.lead(query.id);
    });
    await this.nats.nc.flush();
  }

  stop(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  private answer<Q>(subject: string, handle: (query: Q) => unknown): void {
    this.subscriptions.push(
      this.nats.nc.subscribe(this.nats.subject(subject), {
        callback: (_error, message) => {
          this.calls.set(subject, (this.calls.get(subject) ?? 0) + 1);
          try {
            const data = handle(message.json<Q>());
            message.respond(JSON.stringify({ ok: true, data }));
          } catch (error) {
            message.respond(JSON.stringify({ ok: false, error: (error as DomainError).toBody() }));
          }
        },
      }),
    );
  }

  private pipelineView(p: TestPipeline): PipelineView {
    const now = new Date().toISOString();
    return {
      id: p.id,
      slug: p.slug,
      name: p.name,
      description: null,
      is_active: true,
      is_default: false,
      sales_cycle_days: null,
      target_persona: null,
      config: {},
      created_at: now,
      updated_at: now,
    };
  }

  private stageView(p: TestPipeline, s: TestStage, position: number): StageView {
    return {
      id: s.id,
      pipeline_id: p.id,
      slug: s.slug,
      name: s.name,
      position,
      color: null,
      stage_type: null,
      created_at: new Date().toISOString(),
    };
  }
}

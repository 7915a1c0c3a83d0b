import { Injectable } from '@nestjs/common';
import {
  BadRequestError,
  BusinessRuleError,
  NotFoundError,
  Subjects,
  type ActorRef,
  type BatchEvaluateRoutingCommand,
  type EvaluateRoutingCommand,
  type Intent,
  type LeadView,
  type ListManualReviewQuery,
  type ListUnroutedQuery,
  type OwnerAssignment,
  type RouteManuallyCommand,
  type RoutedBy,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
} from '@crm/contracts';
import { Outbox } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { DealsService } from '../deals/deals.service';
import type { LeadEntity } from '../leads/lead.entity';
import { toLeadView } from '../leads/lead.mapper';
import { LeadRepository } from '../leads/lead.repository';
import type { PipelineEntity } from '../pipelines/pipeline.entity';
import { PipelineRepository } from '../pipelines/pipeline.repository';
import { TaskRepository, type TaskPriority } from '../tasks/task.repository';
import { RoutingConfigService } from './routing-config.service';
import { RoutingRepository } from './routing.repository';
import {
  daysInPool,
  decide,
  pickByCapacity,
  pickRoundRobin,
  regionOfEmail,
  targetOfIntent,
  type Candidate,
} from './routing.rules';

const SYSTEM: ActorRef = { type: 'system', id: 'routing', name: 'Routing' };
const FIRST_CONTACT_DUE_MS = 24 * 3600 * 1000;
const SWEEP_BATCH = 500;

interface Owner {
  id: string;
  email: string;
  region: string | null;
}

interface RouteRequest {
  pipeline: PipelineEntity;
  stageId?: string;
  /** A person chose the owner; otherwise the pipeline's owner assignment picks one. */
  owner?: Owner;
  assignment: OwnerAssignment;
  routedBy: RoutedBy;
  actor: ActorRef;
  reason: RoutingResult['reason'];
}

/**
 * Routing (api.md §11, product.md): the gate, intent → pipeline, the owner strategies, the deal in the first
 * stage with its first-contact task, manual review, and the stuck-in-pool sweep. Every decision holds the lead's
 * row lock, so a lead is routed once; owners are chosen under the row locks of their role's members.
 */
@Injectable()
export class RoutingService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly routing: RoutingRepository,
    private readonly leads: LeadRepository,
    private readonly configs: RoutingConfigService,
    private readonly pipelines: PipelineRepository,
    private readonly deals: DealsService,
    private readonly tasks: TaskRepository,
    private readonly outbox: Outbox,
    logger: AppLogger,
  ) {
    this.log = logger.child('routing');
  }

  /** The automatic decision for one lead (a queued evaluation). Never re-routes a routed lead. */
  async evaluate(leadId: string, routedBy: RoutedBy = 'auto'): Promise<RoutingResult> {
    return this.tx.transaction(async () => {
      const lead = await this.routing.lockLead(leadId);
      if (!lead) return { action: 'skip', reason: 'lead_not_found' };
      const config = await this.configs.current();
      const now = new Date();
      const decision = decide(facts(lead), config, now);
      if (decision.action === 'manual_review') {
        const days = daysInPool(lead.createdAt, now);
        await this.toManualReview(lead, decision.reason, days, now);
        return { action: 'manual_review', reason: decision.reason, days_in_pool: days };
      }
      if (decision.action !== 'route') {
        return decision.action === 'wait'
          ? { ...decision, days_in_pool: daysInPool(lead.createdAt, now) }
          : decision;
      }
      const target = await this.targetPipeline(config, decision.intent);
      if (!target) {
        this.log.warn({ lead_id: lead.id, intent: decision.intent }, 'no active pipeline to route to');
        return {
          action: 'wait',
          reason: 'insufficient_confidence',
          details: { error: 'no_active_pipeline' },
        };
      }
      return this.route(lead, {
        pipeline: target.pipeline,
        assignment: config.owner_assignment[target.key],
        routedBy,
        actor: SYSTEM,
        reason: 'intent_match',
      });
    });
  }

  /** `POST /routing/evaluate/:id`: the decision now, 404 for an unknown lead. */
  async evaluateNow({ lead_id }: EvaluateRoutingCommand): Promise<{
    lead_id: string;
    email: string | null;
    routing_result: RoutingResult;
  }> {
    const result = await this.evaluate(lead_id);
    if (result.reason === 'lead_not_found') throw new NotFoundError('Lead', lead_id);
    const lead = await this.leads.findById(lead_id);
    return { lead_id, email: lead?.email ?? null, routing_result: result };
  }

  /**
   * `POST /routing/manual/:id` and `POST /leads/:id/route`: a person routes the lead to a pipeline, past the gate
   * and whatever its routing status; an open deal already in that pipeline keeps its stage.
   */
  async routeManually({ lead_id, body, actor }: RouteManuallyCommand): Promise<{
    lead: LeadView;
    routing_result: RoutingResult;
  }> {
    const result = await this.tx.transaction(async () => {
      const lead = await this.routing.lockLead(lead_id);
      if (!lead) throw new NotFoundError('Lead', lead_id);
      const pipeline = await this.pipelines.findPipeline(body.pipeline_id);
      if (!pipeline) throw new NotFoundError('Pipeline', body.pipeline_id);
      if (!pipeline.isActive)
        throw new BusinessRuleError('Pipeline is inactive', { pipeline_id: pipeline.id });
      if (!(await this.pipelines.listStages(pipeline.id)).length) {
        throw new BusinessRuleError('Pipeline has no stages', { pipeline_id: pipeline.id });
      }
      let owner: Owner | undefined;
      if (body.assigned_to) {
        owner = (await this.routing.findActiveMember(body.assigned_to)) ?? undefined;
        if (!owner) {
          throw new BadRequestError('assigned_to is not an active team member', {
            validation_errors: [
              {
                path: 'body.assigned_to',
                message: 'no active team member has this id or email',
                code: 'unknown_member',
              },
            ],
          });
        }
      }
      const config = await this.configs.current();
      return this.route(lead, {
        pipeline,
        stageId: body.stage_id,
        owner,
        assignment: config.owner_assignment[targetOfPipeline(config, pipeline.slug)],
        routedBy: 'manual',
        actor,
        reason: 'manual',
      });
    });
    const lead = await this.leads.findById(lead_id);
    return { lead: toLeadView(lead!), routing_result: result };
  }

  /** `POST /routing/batch-evaluate`: one queued evaluation per lead; the ids returned are the commands'. */
  async batchEvaluate({ body }: BatchEvaluateRoutingCommand): Promise<{ queued: number; job_ids: string[] }> {
    const requestedAt = new Date().toISOString();
    const jobIds = await this.tx.transaction(() =>
      this.outbox.publishMany(
        body.lead_ids.map((leadId) => ({
          subject: Subjects.EvaluateLeadRouting,
          data: { lead_id: leadId, requested_by: 'batch' as const, requested_at: requestedAt },
        })),
      ),
    );
    return { queued: jobIds.length, job_ids: jobIds };
  }

  /**
   * Sends unrouted leads that passed the gate and have waited `max_unrouted_days` to manual review, in batches
   * of their own transactions. Safe to run on several instances at once: each lead moves once.
   */
  async sweepStuckLeads(now = new Date()): Promise<number> {
    const config = await this.configs.current();
    const createdBefore = new Date(now.getTime() - config.max_unrouted_days * 24 * 3600 * 1000);
    let moved = 0;
    for (;;) {
      const batch = await this.tx.transaction(async () => {
        const stuck = await this.routing.moveStuckToManualReview(
          config.min_score_threshold,
          createdBefore,
          SWEEP_BATCH,
        );
        if (stuck.length) {
          await this.outbox.publishMany(
            stuck.map((lead) => ({
              subject: Subjects.LeadManualReview,
              data: {
                lead_id: lead.id,
                email: lead.email,
                reason: 'stuck_in_pool' as const,
                intent_summary: lead.intent_summary,
                total_score: lead.total_score,
                days_in_pool: daysInPool(new Date(lead.created_at), now),
                occurred_at: now.toISOString(),
              },
              options: { idempotencyKey: `lead-manual-review:${lead.id}:stuck_in_pool` },
            })),
          );
        }
        return stuck.length;
      });
      moved += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (moved) this.log.info({ moved }, 'leads stuck in the pool sent to manual review');
    return moved;
  }

  async config(): Promise<RoutingConfigView> {
    return this.configs.current();
  }

  async stats(): Promise<RoutingStatsView> {
    return { ...(await this.routing.stats()), pending: 0 };
  }

  async listUnrouted(query: ListUnroutedQuery): Promise<LeadView[]> {
    return (await this.routing.listUnrouted(query.limit, query.min_score)).map(toLeadView);
  }

  async listManualReview(query: ListManualReviewQuery): Promise<LeadView[]> {
    return (await this.routing.listManualReview(query.limit)).map(toLeadView);
  }

  /** In the caller's transaction, holding the lead's lock: deal, owner, task, lead state and `lead.routed`. */
  private async route(lead: LeadEntity, request: RouteRequest): Promise<RoutingResult> {
    const { pipeline, assignment } = request;
    const now = new Date();
    const existingDealId = await this.deals.findOpenDealId(lead.id, pipeline.id);
    const region = assignment.region_aware ? regionOfEmail(lead.email) : null;
    let owner = request.owner ?? null;
    let dealId: string;
    if (existingDealId) {
      // The deal keeps its stage; a person's choice of owner replaces the current one.
      if (owner) await this.deals.reassign(existingDealId, owner.id, owner.region);
      dealId = existingDealId;
    } else {
      const stage = await this.deals.initialStage(pipeline, request.stageId);
      owner ??= await this.pickOwner(assignment, region);
      const deal = await this.deals.openDeal({
        lead,
        pipeline,
        stage,
        assignedTo: owner?.id ?? null,
        assignedRegion: owner?.region ?? null,
        reason: 'routing',
        actor: request.actor,
      });
      dealId = deal.id;
      await this.tasks.insert({
        leadId: lead.id,
        dealId,
        title: `First contact: ${displayName(lead)}`,
        description: `Routed to ${pipeline.name}. Reach out and qualify the lead.`,
        taskType: 'first_contact',
        assignedToId: owner?.id ?? null,
        dueDate: new Date(now.getTime() + FIRST_CONTACT_DUE_MS),
        priority: priorityOfTier(lead.scoreTier),
        createdBy: 'routing',
      });
    }
    if (owner) await this.routing.markAssigned(owner.id, now);
    await this.routing.setRouted(lead.id, pipeline.id, now);
    await this.outbox.publish(
      Subjects.LeadRouted,
      {
        lead_id: lead.id,
        email: lead.email,
        pipeline_id: pipeline.id,
        pipeline_slug: pipeline.slug,
        pipeline_name: pipeline.name,
        deal_id: dealId,
        assigned_to: owner?.id ?? null,
        assigned_to_email: owner?.email ?? null,
        primary_intent: lead.primaryIntent as Intent | null,
        intent_confidence: lead.intentConfidence,
        total_score: lead.totalScore,
        routed_by: request.routedBy,
        routed_at: now.toISOString(),
      },
      { idempotencyKey: `lead-routed:${lead.id}:${pipeline.id}:${now.getTime()}` },
    );
    this.log.info(
      {
        lead_id: lead.id,
        pipeline: pipeline.slug,
        deal_id: dealId,
        owner_id: owner?.id ?? null,
        by: request.routedBy,
      },
      'lead routed',
    );
    return {
      action: 'routed',
      reason: request.reason,
      pipeline_id: pipeline.id,
      pipeline_name: pipeline.name,
      deal_id: dealId,
      assigned_to: owner?.id ?? null,
      details: {
        strategy: request.owner ? 'chosen' : assignment.strategy,
        role: assignment.role,
        region,
        ...(owner ? {} : { assignment_needed: true }),
        ...(existingDealId ? { existing_deal: true } : {}),
      },
    };
  }

  /** The owner the assignment's strategy picks among the active members of its role, or none. */
  private async pickOwner(assignment: OwnerAssignment, region: string | null): Promise<Candidate | null> {
    if (assignment.strategy === 'manual' || assignment.strategy === 'notify') return null;
    const candidates = await this.routing.lockCandidates(assignment.role);
    return assignment.strategy === 'round_robin'
      ? pickRoundRobin(candidates, region)
      : pickByCapacity(candidates);
  }

  private async toManualReview(
    lead: LeadEntity,
    reason: 'intent_conflict' | 'stuck_in_pool',
    days: number,
    now: Date,
  ): Promise<void> {
    await this.routing.setManualReview(lead.id, reason, now);
    await this.outbox.publish(
      Subjects.LeadManualReview,
      {
        lead_id: lead.id,
        email: lead.email,
        reason,
        intent_summary: lead.intentSummary,
        total_score: lead.totalScore,
        days_in_pool: days,
        occurred_at: now.toISOString(),
      },
      { idempotencyKey: `lead-manual-review:${lead.id}:${reason}` },
    );
    this.log.info({ lead_id: lead.id, reason }, 'lead sent to manual review');
  }

  /** The intent's pipeline, else the fallback; only an active pipeline with stages qualifies. */
  private async targetPipeline(
    config: RoutingConfigView,
    intent: keyof RoutingConfigView['intent_to_pipeline'],
  ): Promise<{ pipeline: PipelineEntity; key: ReturnType<typeof targetOfIntent> } | null> {
    const choices = [
      { slug: config.intent_to_pipeline[intent], key: targetOfIntent(intent) },
      { slug: config.fallback_pipeline, key: targetOfIntent(null) },
    ];
    for (const choice of choices) {
      const pipeline = await this.pipelines.findPipelineBySlug(choice.slug);
      if (pipeline?.isActive && (await this.pipelines.listStages(pipeline.id)).length) {
        return { pipeline, key: choice.key };
      }
    }
    return null;
  }
}

function facts(lead: LeadEntity) {
  return {
    routingStatus: lead.routingStatus,
    totalScore: lead.totalScore,
    primaryIntent: lead.primaryIntent as Intent | null,
    intentConfidence: lead.intentConfidence,
    intentSummary: lead.intentSummary ?? { research: 0, b2b: 0, co_creation: 0 },
    createdAt: lead.createdAt,
  };
}

/** The owner assignment of a pipeline a person routed to: the intent mapped to it, else the fallback's. */
function targetOfPipeline(config: RoutingConfigView, slug: string) {
  const intent = (
    Object.keys(config.intent_to_pipeline) as (keyof RoutingConfigView['intent_to_pipeline'])[]
  ).find((key) => config.intent_to_pipeline[key] === slug);
  return targetOfIntent(intent ?? null);
}

function displayName(lead: LeadEntity): string {
  return [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email || 'new lead';
}

function priorityOfTier(tier: string): TaskPriority {
  if (tier === 'very_hot') return 'critical';
  if (tier === 'hot') return 'high';
  return 'medium';
}

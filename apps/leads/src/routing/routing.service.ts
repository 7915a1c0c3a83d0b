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
  type MemberRole,
  type OwnerAssignment,
  type RouteManuallyCommand,
  type RoutedBy,
  type RoutingConfigView,
  type RoutingResult,
  type RoutingStatsView,
} from '@crm/contracts';
import { Outbox, type OutboxMessage } from '@crm/messaging';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { Logger } from 'pino';
import { DealsService } from '../deals/deals.service';
import type { LeadEntity } from '../leads/lead.entity';
import { toLeadView } from '../leads/lead.mapper';
import { LeadRepository } from '../leads/lead.repository';
import type { PipelineEntity } from '../pipelines/pipeline.entity';
import { PipelineRepository } from '../pipelines/pipeline.repository';
import type { StageEntity } from '../pipelines/stage.entity';
import { taskCreatedMessages } from '../tasks/task.events';
import { TaskRepository, type NewTask, type TaskPriority } from '../tasks/task.repository';
import { TeamMemberRepository } from '../team/team-member.repository';
import { RoutingConfigService } from './routing-config.service';
import { RoutingRepository } from './routing.repository';
import {
  daysInPool,
  decide,
  OwnerPool,
  regionOfEmail,
  targetOfIntent,
  type Candidate,
} from './routing.rules';

const SYSTEM: ActorRef = { type: 'system', id: 'routing', name: 'Routing' };
const FIRST_CONTACT_DUE_MS = 24 * 3600 * 1000;
const SWEEP_BATCH = 500;

interface Owner {
  id: string;
  /** null for an owner no longer active (an existing deal's). */
  email: string | null;
  region: string | null;
}

/** Where one lead goes: decided first for a whole batch, then written in one statement per table. */
interface RoutePlan {
  lead: LeadEntity;
  pipeline: PipelineEntity;
  stage: StageEntity;
  /** A person chose the owner; otherwise the pipeline's owner assignment picks one. */
  owner?: Owner;
  assignment: OwnerAssignment;
  routedBy: RoutedBy;
  actor: ActorRef;
  reason: RoutingResult['reason'];
}

type Target = { pipeline: PipelineEntity; stage: StageEntity; key: ReturnType<typeof targetOfIntent> };

/**
 * Routing (api.md §11, product.md): the gate, intent → pipeline, the owner strategies, the deal in the first
 * stage with its first-contact task, manual review, and the stuck-in-pool sweep. A batch of leads is decided
 * under their row locks (so each is routed once) and the row locks of the members of each role it needs (so two
 * batches never both take a member's last slot), then written with one statement per table.
 */
@Injectable()
export class RoutingService {
  private readonly log: Logger;

  constructor(
    private readonly tx: TransactionHost,
    private readonly routing: RoutingRepository,
    private readonly members: TeamMemberRepository,
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

  /** The automatic decision for each lead (queued evaluations). Never re-routes a routed lead. */
  async evaluateMany(leadIds: string[]): Promise<Map<string, RoutingResult>> {
    return this.tx.transaction(async () => {
      const ids = [...new Set(leadIds)].sort();
      const leads = await this.routing.lockLeads(ids);
      const results = new Map<string, RoutingResult>(
        ids.map((id) => [id, { action: 'skip', reason: 'lead_not_found' }]),
      );
      const config = await this.configs.current();
      const now = new Date();
      const targets = new Map<Intent, Promise<Target | null>>();
      const reviews: { lead: LeadEntity; reason: 'intent_conflict' | 'stuck_in_pool' }[] = [];
      const plans: RoutePlan[] = [];
      for (const lead of leads) {
        const decision = decide(facts(lead), config, now);
        const days = daysInPool(lead.createdAt, now);
        if (decision.action === 'manual_review') {
          reviews.push({ lead, reason: decision.reason });
          results.set(lead.id, { action: 'manual_review', reason: decision.reason, days_in_pool: days });
          continue;
        }
        if (decision.action === 'skip') {
          results.set(lead.id, decision);
          continue;
        }
        if (decision.action === 'wait') {
          results.set(lead.id, { ...decision, days_in_pool: days });
          continue;
        }
        if (!targets.has(decision.intent)) targets.set(decision.intent, this.target(config, decision.intent));
        const target = await targets.get(decision.intent)!;
        if (!target) {
          this.log.warn({ lead_id: lead.id, intent: decision.intent }, 'no active pipeline to route to');
          results.set(lead.id, {
            action: 'wait',
            reason: 'insufficient_confidence',
            details: { error: 'no_active_pipeline' },
            days_in_pool: days,
          });
          continue;
        }
        plans.push({
          lead,
          pipeline: target.pipeline,
          stage: target.stage,
          assignment: config.owner_assignment[target.key],
          routedBy: 'auto',
          actor: SYSTEM,
          reason: 'intent_match',
        });
      }
      await this.toManualReview(reviews, now);
      for (const [leadId, result] of await this.route(plans, now)) results.set(leadId, result);
      return results;
    });
  }

  /** `POST /routing/evaluate/:id`: the decision now, 404 for an unknown lead. */
  async evaluateNow({ lead_id }: EvaluateRoutingCommand): Promise<{
    lead_id: string;
    email: string | null;
    routing_result: RoutingResult;
  }> {
    const result = (await this.evaluateMany([lead_id])).get(lead_id)!;
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
      const [lead] = await this.routing.lockLeads([lead_id]);
      if (!lead) throw new NotFoundError('Lead', lead_id);
      const pipeline = await this.pipelines.findPipeline(body.pipeline_id);
      if (!pipeline) throw new NotFoundError('Pipeline', body.pipeline_id);
      if (!pipeline.isActive)
        throw new BusinessRuleError('Pipeline is inactive', { pipeline_id: pipeline.id });
      if (!(await this.pipelines.listStages(pipeline.id)).length) {
        throw new BusinessRuleError('Pipeline has no stages', { pipeline_id: pipeline.id });
      }
      const stage = await this.deals.initialStage(pipeline, body.stage_id);
      const owner = body.assigned_to ? await this.activeMember(body.assigned_to) : undefined;
      const config = await this.configs.current();
      const routed = await this.route(
        [
          {
            lead,
            pipeline,
            stage,
            owner,
            assignment: config.owner_assignment[targetOfPipeline(config, pipeline.slug)],
            routedBy: 'manual',
            actor,
            reason: 'manual',
          },
        ],
        new Date(),
      );
      return routed.get(lead.id)!;
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
        await this.outbox.publishMany(
          stuck.map((lead) =>
            manualReviewMessage(
              {
                id: lead.id,
                email: lead.email,
                intentSummary: lead.intent_summary,
                totalScore: lead.total_score,
                createdAt: new Date(lead.created_at),
              },
              'stuck_in_pool',
              now,
            ),
          ),
        );
        return stuck.length;
      });
      moved += batch;
      if (batch < SWEEP_BATCH) break;
    }
    if (moved) this.log.info({ moved }, 'leads stuck in the pool sent to manual review');
    return moved;
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

  /**
   * In the caller's transaction, holding the leads' locks: owners, deals (an open deal in the pipeline is kept),
   * first-contact tasks, lead state and `lead.routed`, in one statement per table.
   */
  private async route(plans: RoutePlan[], now: Date): Promise<Map<string, RoutingResult>> {
    const results = new Map<string, RoutingResult>();
    if (!plans.length) return results;
    const openDeals = await this.deals.openDealsOf(plans.map((p) => p.lead.id));
    const owners = new OwnerPool(await this.lockCandidates(plans), now);
    const newDeals: { plan: RoutePlan; owner: Owner | null }[] = [];
    const routed: { plan: RoutePlan; owner: Owner | null; dealId: string | null; region: string | null }[] =
      [];
    for (const plan of plans) {
      const region = plan.assignment.region_aware ? regionOfEmail(plan.lead.email) : null;
      const deal = openDeals.get(`${plan.lead.id}:${plan.pipeline.id}`);
      const existing = deal?.id ?? null;
      let owner: Owner | null = plan.owner ?? null;
      if (deal) {
        // The deal keeps its stage; a person's choice of owner replaces the current one.
        if (owner) await this.deals.reassign(deal.id, owner.id, owner.region);
        else if (deal.assignedTo) owner = await this.ownerById(deal.assignedTo);
      } else {
        owner ??= pickable(plan.assignment)
          ? owners.pick(plan.assignment.role, plan.assignment.strategy, region)
          : null;
        newDeals.push({ plan, owner });
      }
      routed.push({ plan, owner, dealId: existing, region });
    }
    const dealIds = await this.deals.openDeals(
      newDeals.map(({ plan, owner }) => ({
        lead: plan.lead,
        pipeline: plan.pipeline,
        stage: plan.stage,
        assignedTo: owner?.id ?? null,
        assignedRegion: owner?.region ?? null,
        reason: 'routing' as const,
        actor: plan.actor,
      })),
    );
    const dealOf = new Map(newDeals.map(({ plan }, i) => [plan.lead.id, dealIds[i]]));
    const firstContacts: NewTask[] = newDeals.map(({ plan, owner }) => ({
      leadId: plan.lead.id,
      dealId: dealOf.get(plan.lead.id)!,
      title: `First contact: ${displayName(plan.lead)}`,
      description: `Routed to ${plan.pipeline.name}. Reach out and qualify the lead.`,
      taskType: 'first_contact',
      assignedToId: owner?.id ?? null,
      dueDate: new Date(now.getTime() + FIRST_CONTACT_DUE_MS),
      priority: priorityOfTier(plan.lead.scoreTier),
      createdBy: 'routing',
    }));
    const taskIds = await this.tasks.insertMany(firstContacts);
    await this.routing.markAssigned(owners.turns());
    await this.routing.setRouted(
      plans.map((p) => ({ leadId: p.lead.id, pipelineId: p.pipeline.id })),
      now,
    );
    const messages: OutboxMessage[] = taskCreatedMessages(taskIds, firstContacts);
    for (const { plan, owner, dealId, region } of routed) {
      const deal = dealId ?? dealOf.get(plan.lead.id)!;
      messages.push(routedMessage(plan, deal, owner, now));
      results.set(plan.lead.id, {
        action: 'routed',
        reason: plan.reason,
        pipeline_id: plan.pipeline.id,
        pipeline_name: plan.pipeline.name,
        deal_id: deal,
        assigned_to: owner?.id ?? null,
        details: {
          strategy: plan.owner ? 'chosen' : plan.assignment.strategy,
          role: plan.assignment.role,
          region,
          ...(owner ? {} : { assignment_needed: true }),
          ...(dealId ? { existing_deal: true } : {}),
        },
      });
    }
    await this.outbox.publishMany(messages);
    this.log.info(
      { leads: plans.length, deals_created: newDeals.length, by: plans[0].routedBy },
      'leads routed',
    );
    return results;
  }

  /** The candidates of every role the plans pick owners from, locked role by role in a fixed order. */
  private async lockCandidates(plans: RoutePlan[]): Promise<Map<string, Candidate[]>> {
    const roles = [
      ...new Set(plans.filter((p) => !p.owner && pickable(p.assignment)).map((p) => p.assignment.role)),
    ].sort() as MemberRole[];
    const candidates = new Map<string, Candidate[]>();
    for (const role of roles) candidates.set(role, await this.routing.lockCandidates(role));
    return candidates;
  }

  private async toManualReview(
    reviews: { lead: LeadEntity; reason: 'intent_conflict' | 'stuck_in_pool' }[],
    now: Date,
  ): Promise<void> {
    if (!reviews.length) return;
    await this.routing.setManualReview(
      reviews.map(({ lead, reason }) => ({ leadId: lead.id, reason })),
      now,
    );
    await this.outbox.publishMany(reviews.map(({ lead, reason }) => manualReviewMessage(lead, reason, now)));
    this.log.info({ leads: reviews.length }, 'leads sent to manual review');
  }

  /** The intent's pipeline, else the fallback, with its first stage; only an active pipeline with stages. */
  private async target(config: RoutingConfigView, intent: Intent): Promise<Target | null> {
    const choices = [
      { slug: config.intent_to_pipeline[intent], key: targetOfIntent(intent) },
      { slug: config.fallback_pipeline, key: targetOfIntent(null) },
    ];
    for (const choice of choices) {
      const pipeline = await this.pipelines.findPipelineBySlug(choice.slug);
      if (!pipeline?.isActive) continue;
      const [stage] = await this.pipelines.listStages(pipeline.id);
      if (stage) return { pipeline, stage, key: choice.key };
    }
    return null;
  }

  /** The owner an existing deal already has. */
  private async ownerById(id: string): Promise<Owner> {
    return (
      (await this.members.findByIdOrEmail(id, { activeOnly: true })) ?? { id, email: null, region: null }
    );
  }

  private async activeMember(idOrEmail: string): Promise<Owner> {
    const member = await this.members.findByIdOrEmail(idOrEmail, { activeOnly: true });
    if (member) return member;
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

/** `manual` and `notify` assign nobody: a person does. */
function pickable(assignment: OwnerAssignment): assignment is OwnerAssignment & {
  strategy: 'round_robin' | 'capacity';
} {
  return assignment.strategy === 'round_robin' || assignment.strategy === 'capacity';
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

function routedMessage(plan: RoutePlan, dealId: string, owner: Owner | null, now: Date): OutboxMessage {
  const { lead, pipeline } = plan;
  return {
    subject: Subjects.LeadRouted,
    data: {
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
      routed_by: plan.routedBy,
      routed_at: now.toISOString(),
    },
    options: { idempotencyKey: `lead-routed:${lead.id}:${pipeline.id}:${now.getTime()}` },
  };
}

function manualReviewMessage(
  lead: Pick<LeadEntity, 'id' | 'email' | 'intentSummary' | 'totalScore' | 'createdAt'>,
  reason: 'intent_conflict' | 'stuck_in_pool',
  now: Date,
): OutboxMessage {
  return {
    subject: Subjects.LeadManualReview,
    data: {
      lead_id: lead.id,
      email: lead.email,
      reason,
      intent_summary: lead.intentSummary,
      total_score: lead.totalScore,
      days_in_pool: daysInPool(lead.createdAt, now),
      occurred_at: now.toISOString(),
    },
    options: { idempotencyKey: `lead-manual-review:${lead.id}:${reason}` },
  };
}

/** The owner assignment of a pipeline a person routed to: the intent mapped to it, else the fallback's. */
function targetOfPipeline(config: RoutingConfigView, slug: string) {
  const intents = Object.keys(config.intent_to_pipeline) as Intent[];
  return targetOfIntent(intents.find((intent) => config.intent_to_pipeline[intent] === slug) ?? null);
}

function displayName(lead: LeadEntity): string {
  return [lead.firstName, lead.lastName].filter(Boolean).join(' ') || lead.email || 'new lead';
}

function priorityOfTier(tier: string): TaskPriority {
  if (tier === 'very_hot') return 'critical';
  if (tier === 'hot') return 'high';
  return 'medium';
}

import { Injectable } from '@nestjs/common';
import type { MemberRole, RoutingStatsView } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { LeadEntity } from '../leads/lead.entity';
import type { Candidate } from './routing.rules';

/** A lead the stuck-in-pool sweep sent to manual review. */
export interface StuckLead {
  id: string;
  email: string | null;
  intent_summary: { research: number; b2b: number; co_creation: number };
  total_score: number;
  created_at: Date;
}

/** Routing's reads and writes of leads and members. */
@Injectable()
export class RoutingRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get leads() {
    return this.tx.manager.getRepository(LeadEntity);
  }

  /** The leads, locked (in id order) until the transaction ends: one routing decision per lead at a time. */
  lockLeads(ids: string[]): Promise<LeadEntity[]> {
    if (!ids.length) return Promise.resolve([]);
    return this.leads
      .createQueryBuilder('lead')
      .setLock('pessimistic_write')
      .where('lead.id IN (:...ids)', { ids })
      .orderBy('lead.id')
      .getMany();
  }

  /**
   * The active members of a role with their load, locked (in id order) until the transaction ends. The load is
   * counted after the locks are held, so two routings never both see the same last free slot.
   */
  async lockCandidates(role: MemberRole): Promise<Candidate[]> {
    const members: {
      id: string;
      email: string;
      region: string | null;
      max_leads: number;
      last_assigned_at: Date | null;
    }[] = await this.tx.manager.query(
      `SELECT id, email, region, max_leads, last_assigned_at FROM team_members
          WHERE role = $1 AND is_active ORDER BY id FOR UPDATE`,
      [role],
    );
    if (!members.length) return [];
    const loads: { assigned_to: string; open_deals: number }[] = await this.tx.manager.query(
      `SELECT assigned_to, count(*)::int AS open_deals FROM deals
        WHERE status = 'open' AND assigned_to = ANY($1::uuid[]) GROUP BY assigned_to`,
      [members.map((m) => m.id)],
    );
    const load = new Map(loads.map((row) => [row.assigned_to, row.open_deals]));
    return members.map((m) => ({
      id: m.id,
      email: m.email,
      region: m.region,
      maxLeads: m.max_leads,
      openDeals: load.get(m.id) ?? 0,
      lastAssignedAt: m.last_assigned_at,
    }));
  }

  /** Each member's turn in round robin: when they last got a lead. */
  async markAssigned(turns: { memberId: string; at: Date }[]): Promise<void> {
    if (!turns.length) return;
    await this.tx.manager.query(
      `UPDATE team_members m SET last_assigned_at = t.at
         FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, at) WHERE m.id = t.id`,
      [turns.map((t) => t.memberId), turns.map((t) => t.at)],
    );
  }

  async setRouted(routes: { leadId: string; pipelineId: string }[], at: Date): Promise<void> {
    if (!routes.length) return;
    await this.tx.manager.query(
      `UPDATE leads l SET routing_status = 'routed', pipeline_id = r.pipeline_id, routed_at = $3,
              routed_score = l.total_score, manual_review_reason = NULL, manual_review_at = NULL, updated_at = now()
         FROM unnest($1::uuid[], $2::uuid[]) AS r(id, pipeline_id) WHERE l.id = r.id`,
      [routes.map((r) => r.leadId), routes.map((r) => r.pipelineId), at],
    );
  }

  async setManualReview(reviews: { leadId: string; reason: string }[], at: Date): Promise<void> {
    if (!reviews.length) return;
    await this.tx.manager.query(
      `UPDATE leads l SET routing_status = 'manual_review', manual_review_reason = r.reason,
              manual_review_at = $3, updated_at = now()
         FROM unnest($1::uuid[], $2::varchar[]) AS r(id, reason) WHERE l.id = r.id`,
      [reviews.map((r) => r.leadId), reviews.map((r) => r.reason), at],
    );
  }

  /**
   * Moves up to `limit` unrouted leads that passed the gate before `createdBefore` to manual review; rows
   * another transaction holds are left for the next round.
   */
  async moveStuckToManualReview(minScore: number, createdBefore: Date, limit: number): Promise<StuckLead[]> {
    // As a CTE: TypeORM hands back an UPDATE's RETURNING rows wrapped with the row count.
    return this.tx.manager.query(
      `WITH moved AS (
         UPDATE leads l SET routing_status = 'manual_review', manual_review_reason = 'stuck_in_pool',
                manual_review_at = now(), updated_at = now()
          WHERE l.id IN (SELECT id FROM leads
                          WHERE routing_status = 'unrouted' AND total_score >= $1 AND created_at < $2
                          ORDER BY created_at LIMIT $3 FOR UPDATE SKIP LOCKED)
          RETURNING l.id, l.email, l.intent_summary, l.total_score, l.created_at
       )
       SELECT * FROM moved`,
      [minScore, createdBefore, limit],
    );
  }

  /** Unrouted leads, highest score first, then the oldest. */
  listUnrouted(limit: number, minScore: number): Promise<LeadEntity[]> {
    return this.leads
      .createQueryBuilder('lead')
      .leftJoinAndSelect('lead.organization', 'organization')
      .where(`lead.routingStatus = 'unrouted'`)
      .andWhere('lead.totalScore >= :minScore', { minScore })
      .orderBy('lead.totalScore', 'DESC')
      .addOrderBy('lead.createdAt', 'ASC')
      .addOrderBy('lead.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Leads waiting for a person, longest waiting first. */
  listManualReview(limit: number): Promise<LeadEntity[]> {
    return this.leads
      .createQueryBuilder('lead')
      .leftJoinAndSelect('lead.organization', 'organization')
      .where(`lead.routingStatus = 'manual_review'`)
      .orderBy('lead.manualReviewAt', 'ASC', 'NULLS FIRST')
      .addOrderBy('lead.id', 'ASC')
      .limit(limit)
      .getMany();
  }

  async stats(): Promise<Omit<RoutingStatsView, 'pending'>> {
    const [totals]: { total_leads: number; unrouted: number; routed: number; manual_review: number }[] =
      await this.tx.manager.query(
        `SELECT count(*)::int AS total_leads,
                count(*) FILTER (WHERE routing_status = 'unrouted')::int AS unrouted,
                count(*) FILTER (WHERE routing_status = 'routed')::int AS routed,
                count(*) FILTER (WHERE routing_status = 'manual_review')::int AS manual_review
           FROM leads`,
      );
    const byPipeline: { pipeline_name: string; count: number }[] = await this.tx.manager.query(
      `SELECT p.name AS pipeline_name, count(*)::int AS count
         FROM leads l JOIN pipelines p ON p.id = l.pipeline_id
        WHERE l.routing_status = 'routed'
        GROUP BY p.name ORDER BY count DESC, p.name`,
    );
    const byIntent: { intent: string; count: number }[] = await this.tx.manager.query(
      `SELECT primary_intent AS intent, count(*)::int AS count FROM leads
        WHERE primary_intent IS NOT NULL GROUP BY primary_intent ORDER BY count DESC, primary_intent`,
    );
    return { ...totals, by_pipeline: byPipeline, by_intent: byIntent };
  }
}

import { Injectable } from '@nestjs/common';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import type { LeadScoredV1, ListLeadsQuery } from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { LeadEntity } from './lead.entity';
import type { IdentityFields, NormalizedIdentifier, ProfileFields } from './identity.rules';

export type LeadPatch = Partial<
  Pick<
    LeadEntity,
    | keyof IdentityFields
    | keyof ProfileFields
    | 'organizationId'
    | 'firstTouchSource'
    | 'firstTouchCampaign'
    | 'firstTouchDate'
    | 'lastTouchSource'
    | 'lastTouchCampaign'
    | 'lastTouchDate'
    | 'lastActivity'
  >
>;

const LEAD_SORT_COLUMNS: Record<NonNullable<ListLeadsQuery['sort_by']>, string> = {
  created_at: 'lead.createdAt',
  updated_at: 'lead.updatedAt',
  total_score: 'lead.totalScore',
  intent_confidence: 'lead.intentConfidence',
  last_activity: 'lead.lastActivity',
  email: 'lead.email',
  first_name: 'lead.firstName',
  last_name: 'lead.lastName',
};

/** `%` and `_` in a search term are literal characters, not wildcards. */
export function likePattern(term: string): string {
  return `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

@Injectable()
export class LeadRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(LeadEntity);
  }

  /** Every lead holding any of the identifiers (at most one per key, thanks to the unique indexes). */
  async findByIdentifiers(identifier: NormalizedIdentifier): Promise<LeadEntity[]> {
    const qb = this.repo.createQueryBuilder('lead');
    const conditions: string[] = [];
    const params: Record<string, string> = {};
    if (identifier.email) {
      conditions.push('lower(lead.email) = :email');
      params.email = identifier.email;
    }
    const external = {
      portal_id: 'portalId',
      waalaxy_id: 'waalaxyId',
      linkedin_url: 'linkedinUrl',
      lemlist_id: 'lemlistId',
    };
    for (const [key, property] of Object.entries(external) as [keyof typeof external, string][]) {
      if (!identifier[key]) continue;
      conditions.push(`lead.${property} = :${key}`);
      params[key] = identifier[key];
    }
    if (!conditions.length) return [];
    return qb.where(conditions.join(' OR '), params).getMany();
  }

  /** Re-reads the lead and holds its row lock until the transaction ends. */
  lockById(id: string): Promise<LeadEntity | null> {
    return this.repo
      .createQueryBuilder('lead')
      .setLock('pessimistic_write')
      .where('lead.id = :id', { id })
      .getOne();
  }

  /**
   * Creates the lead unless any identity key is already taken (a concurrent event may be creating the same
   * person right now: the insert then waits for that transaction and does nothing). Returns null in that case.
   */
  async insertIfAbsent(fields: Partial<IdentityFields & ProfileFields>): Promise<LeadEntity | null> {
    const result = await this.repo
      .createQueryBuilder()
      .insert()
      .into(LeadEntity)
      .values({ intentSummary: { research: 0, b2b: 0, co_creation: 0 }, ...fields })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (result.raw as { id: string }[])[0]?.id;
    return id ? this.repo.findOneByOrFail({ id }) : null;
  }

  async update(id: string, patch: LeadPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.repo.update({ id }, patch);
  }

  findById(id: string): Promise<LeadEntity | null> {
    return this.repo.findOne({ where: { id }, relations: { organization: true } });
  }

  async list(query: ListLeadsQuery): Promise<[LeadEntity[], number]> {
    const qb = this.repo.createQueryBuilder('lead').leftJoinAndSelect('lead.organization', 'organization');
    this.applyFilters(qb, query);
    const order = query.sort_order === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy(LEAD_SORT_COLUMNS[query.sort_by ?? 'created_at'], order, 'NULLS LAST')
      .addOrderBy('lead.id', order)
      .offset((query.page - 1) * query.limit)
      .limit(query.limit);
    return qb.getManyAndCount();
  }

  private applyFilters(qb: SelectQueryBuilder<LeadEntity>, query: ListLeadsQuery): void {
    if (query.search?.trim()) {
      const term = likePattern(query.search.trim());
      qb.andWhere(
        new Brackets((w) =>
          w
            .where('lead.email ILIKE :term', { term })
            .orWhere('lead.firstName ILIKE :term')
            .orWhere('lead.lastName ILIKE :term')
            .orWhere('lead.jobTitle ILIKE :term')
            .orWhere('organization.name ILIKE :term'),
        ),
      );
    }
    const equals: [keyof ListLeadsQuery, string][] = [
      ['status', 'status'],
      ['lifecycle_stage', 'lifecycleStage'],
      ['routing_status', 'routingStatus'],
      ['primary_intent', 'primaryIntent'],
      ['pipeline_id', 'pipelineId'],
      ['organization_id', 'organizationId'],
    ];
    for (const [key, property] of equals) {
      if (query[key] !== undefined) qb.andWhere(`lead.${property} = :${key}`, { [key]: query[key] });
    }
    if (query.id?.length) qb.andWhere('lead.id IN (:...ids)', { ids: query.id });
    if (query.min_score !== undefined)
      qb.andWhere('lead.totalScore >= :minScore', { minScore: query.min_score });
    if (query.max_score !== undefined)
      qb.andWhere('lead.totalScore <= :maxScore', { maxScore: query.max_score });
    const ranges: [keyof ListLeadsQuery, string, '>=' | '<'][] = [
      ['created_after', 'createdAt', '>='],
      ['created_before', 'createdAt', '<'],
      ['last_activity_after', 'lastActivity', '>='],
      ['last_activity_before', 'lastActivity', '<'],
    ];
    for (const [key, property, operator] of ranges) {
      if (query[key] !== undefined) qb.andWhere(`lead.${property} ${operator} :${key}`, { [key]: query[key] });
    }
    if (query.min_intent_confidence !== undefined) {
      qb.andWhere('lead.intentConfidence >= :minConfidence', { minConfidence: query.min_intent_confidence });
    }
  }

  /** Applies a score only when it is newer than the stored one; returns whether it was applied. */
  async applyScoreIfNewer(score: LeadScoredV1): Promise<boolean> {
    const result = await this.repo
      .createQueryBuilder()
      .update(LeadEntity)
      .set({
        demographicScore: score.scores.demographic,
        engagementScore: score.scores.engagement,
        behaviorScore: score.scores.behavior,
        totalScore: score.scores.total,
        scoreTier: score.tier,
        scoreVersion: score.version,
        scoredAt: new Date(score.scored_at),
      })
      .where('id = :id AND score_version < :version', { id: score.lead_id, version: score.version })
      .execute();
    return (result.affected ?? 0) > 0;
  }
}

import { Injectable } from '@nestjs/common';
import { Brackets, type SelectQueryBuilder } from 'typeorm';
import { LEAD_IDENTIFIER_KEYS, type Intent, type LeadScoredV1, type ListLeadsQuery } from '@crm/contracts';
import { Keyset, readKeysetPage, TransactionHost, type KeyColumn, type KeysetRead } from '@crm/service-kit';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { LeadEntity, type IntentSummary } from './lead.entity';
import { IDENTIFIER_FIELD } from './identity.rules';
import type { IdentifierValues, LeadState } from './ingest-batch.plan';
import { Recordset } from './recordset';

/** The columns of a LeadState, as bulk statements write them. */
const LEAD_STATE = new Recordset<LeadState>([
  ['id', 'id', 'uuid'],
  ['email', 'email', 'varchar'],
  ['portal_id', 'portalId', 'varchar'],
  ['waalaxy_id', 'waalaxyId', 'varchar'],
  ['linkedin_url', 'linkedinUrl', 'varchar'],
  ['lemlist_id', 'lemlistId', 'varchar'],
  ['first_name', 'firstName', 'varchar'],
  ['last_name', 'lastName', 'varchar'],
  ['phone', 'phone', 'varchar'],
  ['job_title', 'jobTitle', 'varchar'],
  ['organization_id', 'organizationId', 'uuid'],
  ['first_touch_source', 'firstTouchSource', 'varchar'],
  ['first_touch_campaign', 'firstTouchCampaign', 'varchar'],
  ['first_touch_date', 'firstTouchDate', 'timestamptz'],
  ['last_touch_source', 'lastTouchSource', 'varchar'],
  ['last_touch_campaign', 'lastTouchCampaign', 'varchar'],
  ['last_touch_date', 'lastTouchDate', 'timestamptz'],
  ['last_activity', 'lastActivity', 'timestamptz'],
  ['profile_version', 'profileVersion', 'int'],
]);

const LEAD_SORT_COLUMNS: Record<NonNullable<ListLeadsQuery['sort_by']>, KeyColumn> = {
  created_at: { sql: 'lead.createdAt', type: 'timestamptz' },
  updated_at: { sql: 'lead.updatedAt', type: 'timestamptz' },
  total_score: { sql: 'lead.totalScore', type: 'int' },
  intent_confidence: { sql: 'lead.intentConfidence', type: 'int', nullable: true },
  last_activity: { sql: 'lead.lastActivity', type: 'timestamptz', nullable: true },
  email: { sql: 'lead.email', type: 'text', nullable: true },
  first_name: { sql: 'lead.firstName', type: 'text', nullable: true },
  last_name: { sql: 'lead.lastName', type: 'text', nullable: true },
};

/** A lead of an organization whose fit fields changed, as its fit profile needs it. */
export type OrganizationPeer = Pick<
  LeadState,
  | 'id'
  | 'email'
  | 'firstName'
  | 'lastName'
  | 'phone'
  | 'jobTitle'
  | 'firstTouchSource'
  | 'linkedinUrl'
  | 'organizationId'
  | 'profileVersion'
> & { status: string; lifecycleStage: string };

/** A lead whose score was applied, with what routing's decision reads. */
export interface AppliedScore {
  id: string;
  routingStatus: string;
  totalScore: number;
  scoreVersion: number;
  primaryIntent: Intent | null;
  intentConfidence: number | null;
  intentSummary: IntentSummary;
  createdAt: Date;
}

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

  /**
   * Every lead holding any of the identifiers, locked until the transaction ends. Locks are taken in id order,
   * so two batches sharing leads wait for each other instead of deadlocking.
   */
  async lockByIdentifiers(values: IdentifierValues): Promise<LeadEntity[]> {
    const conditions: string[] = [];
    const params: Record<string, string[]> = {};
    for (const key of LEAD_IDENTIFIER_KEYS) {
      if (!values[key].length) continue;
      const column = key === 'email' ? 'lower(lead.email)' : `lead.${IDENTIFIER_FIELD[key]}`;
      conditions.push(`${column} = ANY(:${key})`);
      params[key] = values[key];
    }
    if (!conditions.length) return [];
    return this.repo
      .createQueryBuilder('lead')
      .where(conditions.join(' OR '), params)
      .orderBy('lead.id')
      .setLock('pessimistic_write')
      .getMany();
  }

  /**
   * Creates the leads unless an identity key is already taken (by a writer that does not serialise with
   * ingest); such a lead is skipped. Returns how many were created.
   */
  async insertMany(leads: readonly LeadState[]): Promise<number> {
    if (!leads.length) return 0;
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO leads (${LEAD_STATE.columns})
       SELECT ${LEAD_STATE.columns} FROM jsonb_to_recordset($1::jsonb) AS r(${LEAD_STATE.definition})
       ON CONFLICT DO NOTHING
       RETURNING id`,
      [LEAD_STATE.parameter(leads)],
    );
    return rows.length;
  }

  /** Writes the leads' identity, profile, organization and attribution; the caller holds their row locks. */
  async updateMany(leads: readonly LeadState[]): Promise<void> {
    if (!leads.length) return;
    const assignments = LEAD_STATE.columnNames
      .filter((column) => column !== 'id')
      .map((column) => `${column} = r.${column}`)
      .join(', ');
    await this.tx.manager.query(
      `UPDATE leads l SET ${assignments}, updated_at = now()
         FROM jsonb_to_recordset($1::jsonb) AS r(${LEAD_STATE.definition})
        WHERE l.id = r.id`,
      [LEAD_STATE.parameter(leads)],
    );
  }

  /**
   * Locks (in id order) the leads of these organizations other than `excludeIds` and moves each one's profile
   * version by one: their organization's fit fields changed. Returns them with what their fit profile needs.
   */
  async moveProfileVersionsOfOrganizations(
    organizationIds: string[],
    excludeIds: string[],
  ): Promise<OrganizationPeer[]> {
    const rows: Record<string, string | number | null>[] = await this.tx.manager.query(
      `WITH peers AS (
         SELECT id FROM leads
          WHERE organization_id = ANY($1::uuid[]) AND NOT (id = ANY($2::uuid[]))
          ORDER BY id FOR UPDATE
       )
       , moved AS (
         UPDATE leads l SET profile_version = l.profile_version + 1
           FROM peers WHERE l.id = peers.id
         RETURNING l.id, l.email, l.first_name, l.last_name, l.phone, l.job_title, l.first_touch_source,
                   l.linkedin_url, l.status, l.lifecycle_stage, l.organization_id, l.profile_version
       )
       SELECT * FROM moved ORDER BY id`,
      [organizationIds, excludeIds],
    );
    return rows.map((row) => ({
      id: row.id as string,
      email: row.email as string | null,
      firstName: row.first_name as string | null,
      lastName: row.last_name as string | null,
      phone: row.phone as string | null,
      jobTitle: row.job_title as string | null,
      firstTouchSource: row.first_touch_source as string | null,
      linkedinUrl: row.linkedin_url as string | null,
      status: row.status as string,
      lifecycleStage: row.lifecycle_stage as string,
      organizationId: row.organization_id as string | null,
      profileVersion: row.profile_version as number,
    }));
  }

  /** How many leads have each value of a column, e.g. `status`. */
  async countsBy(column: 'status' | 'routing_status' | 'lifecycle_stage'): Promise<Record<string, number>> {
    const rows: { value: string; n: number }[] = await this.tx.manager.query(
      `SELECT ${column} AS value, count(*)::int AS n FROM leads GROUP BY ${column}`,
    );
    return Object.fromEntries(rows.map((row) => [row.value, row.n]));
  }

  /** A won deal makes its lead a customer (api.md §8 close). */
  async markCustomer(id: string): Promise<void> {
    await this.repo.update({ id }, { status: 'customer', lifecycleStage: 'customer' });
  }

  /** Creates one lead (`POST /leads`); the caller holds the ingest locks of its identifiers. */
  async insertOne(fields: Partial<LeadEntity>): Promise<string> {
    return (await this.repo.save(this.repo.create(fields))).id;
  }

  /** The lead, locked until the transaction ends (its organization is not loaded). */
  lock(id: string): Promise<LeadEntity | null> {
    return this.repo
      .createQueryBuilder('lead')
      .setLock('pessimistic_write')
      .where('lead.id = :id', { id })
      .getOne();
  }

  async updateFields(id: string, fields: Partial<LeadEntity>): Promise<void> {
    await this.repo.update({ id }, fields as QueryDeepPartialEntity<LeadEntity>);
  }

  findById(id: string): Promise<LeadEntity | null> {
    return this.repo.findOne({ where: { id }, relations: { organization: true } });
  }

  /** One page of `GET /leads`, by page or by cursor (api.md §1.4). */
  list(query: ListLeadsQuery): Promise<KeysetRead<LeadEntity>> {
    const sortBy = query.sort_by ?? 'created_at';
    const direction = query.sort_order ?? 'desc';
    const column = LEAD_SORT_COLUMNS[sortBy];
    const keyset = new Keyset({ list: 'leads', sortBy, direction, columns: [column], id: 'lead.id' }, query);
    const qb = this.repo.createQueryBuilder('lead').leftJoinAndSelect('lead.organization', 'organization');
    this.applyFilters(qb, query);
    const order = direction === 'asc' ? 'ASC' : 'DESC';
    qb.orderBy(column.sql, order, 'NULLS LAST').addOrderBy('lead.id', order);
    return readKeysetPage(qb, keyset);
  }

  /**
   * Up to `size` leads matching the `GET /leads` filters, in id order after `afterId`: an export walks every
   * match a chunk at a time, never holding them all.
   */
  exportChunk(query: ListLeadsQuery, afterId: string | undefined, size: number): Promise<LeadEntity[]> {
    const qb = this.repo.createQueryBuilder('lead').leftJoinAndSelect('lead.organization', 'organization');
    this.applyFilters(qb, query);
    if (afterId) qb.andWhere('lead.id > :afterId', { afterId });
    return qb.orderBy('lead.id', 'ASC').limit(size).getMany();
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
      if (query[key] !== undefined)
        qb.andWhere(`lead.${property} ${operator} :${key}`, { [key]: query[key] });
    }
    if (query.min_intent_confidence !== undefined) {
      qb.andWhere('lead.intentConfidence >= :minConfidence', { minConfidence: query.min_intent_confidence });
    }
  }

  /**
   * Applies each lead's score unless the stored one has the same or a newer version (deliveries may arrive
   * out of order or twice). At most one score per lead. The leads are locked in id order first, as ingest
   * does. Returns how many were applied.
   */
  async applyScoresIfNewer(scores: readonly LeadScoredV1[]): Promise<AppliedScore[]> {
    if (!scores.length) return [];
    await this.lockByIds(scores.map((score) => score.lead_id));
    const rows: AppliedScore[] = await this.tx.manager.query(
      `WITH applied AS (
         UPDATE leads l
            SET demographic_score = s.demographic, engagement_score = s.engagement,
                behavior_score = s.behavior, total_score = s.total, score_tier = s.tier,
                score_version = s.version, scored_at = s.scored_at, updated_at = now(),
                -- A score without intent (emitted before intent detection) leaves the lead's intent as it is.
                primary_intent = CASE WHEN s.has_intent THEN s.primary_intent ELSE l.primary_intent END,
                intent_confidence = CASE WHEN s.has_intent THEN s.intent_confidence ELSE l.intent_confidence END,
                intent_summary = CASE WHEN s.has_intent THEN s.intent_summary ELSE l.intent_summary END
           FROM jsonb_to_recordset($1::jsonb) AS s(lead_id uuid, version int, demographic int, engagement int,
                                                  behavior int, total int, tier varchar, scored_at timestamptz,
                                                  has_intent boolean, primary_intent varchar,
                                                  intent_confidence int, intent_summary jsonb)
          WHERE l.id = s.lead_id AND l.score_version < s.version
         RETURNING l.id, l.routing_status, l.total_score, l.score_version, l.primary_intent, l.intent_confidence,
                   l.intent_summary, l.created_at
       )
       SELECT id, routing_status AS "routingStatus", total_score AS "totalScore", score_version AS "scoreVersion",
              primary_intent AS "primaryIntent", intent_confidence AS "intentConfidence",
              intent_summary AS "intentSummary", created_at AS "createdAt"
         FROM applied`,
      [
        JSON.stringify(
          scores.map((score) => ({
            lead_id: score.lead_id,
            version: score.version,
            ...score.scores,
            tier: score.tier,
            scored_at: score.scored_at,
            has_intent: score.intent !== undefined,
            primary_intent: score.intent?.primary_intent ?? null,
            intent_confidence: score.intent?.intent_confidence ?? null,
            intent_summary: score.intent?.intent_summary ?? null,
          })),
        ),
      ],
    );
    return rows;
  }

  /**
   * Key-share-locks the existing leads among `ids` (in id order) until the transaction ends and returns their ids:
   * the lock a row referencing them takes anyway, taken first. It keeps out only FOR UPDATE lockers (an erasure
   * among them), not plain updates of the lead.
   */
  async keyShareLock(ids: readonly string[]): Promise<string[]> {
    if (!ids.length) return [];
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`,
      [[...new Set(ids)]],
    );
    return rows.map((row) => row.id);
  }

  /** Holds the leads' row locks until the transaction ends, taken in id order. */
  private async lockByIds(ids: readonly string[]): Promise<void> {
    await this.tx.manager.query(`SELECT id FROM leads WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      [...new Set(ids)],
    ]);
  }
}

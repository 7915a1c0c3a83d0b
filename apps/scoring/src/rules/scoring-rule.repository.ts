import { Injectable } from '@nestjs/common';
import type { ActorRef, ListScoringRulesQuery } from '@crm/contracts';
import { TransactionHost, type KeysetRead } from '@crm/service-kit';
import { IsNull } from 'typeorm';
import { pageOfRules } from './rule-list';
import { ScoringRule } from './scoring-rule.entity';

/** The definition fields of a rule: what a version snapshot records. */
export type RuleDefinition = Pick<
  ScoringRule,
  | 'slug'
  | 'name'
  | 'description'
  | 'isActive'
  | 'priority'
  | 'ruleType'
  | 'category'
  | 'conditions'
  | 'points'
  | 'maxPerDay'
  | 'maxPerLead'
  | 'decayDays'
>;

export interface RuleStats {
  totalApplications: number;
  uniqueLeads: number;
  totalPoints: number;
}

@Injectable()
export class ScoringRuleRepository {
  constructor(private readonly tx: TransactionHost) {}

  /** Active, non-archived rules, in the order they apply (priority, then slug). */
  findLive(): Promise<ScoringRule[]> {
    return this.tx.manager.getRepository(ScoringRule).find({
      where: { isActive: true, archivedAt: IsNull() },
      order: { priority: 'ASC', slug: 'ASC' },
    });
  }

  /** Grows with every committed change of the rules table (a trigger keeps it); an opaque value to compare. */
  async currentRevision(): Promise<string> {
    const rows: { revision: string }[] = await this.tx.manager.query(
      `SELECT revision::text AS revision FROM rules_revision`,
    );
    if (!rows.length) throw new Error('rules_revision has no row: migrations incomplete');
    return rows[0].revision;
  }

  /** A page of rules ordered by priority, category, created_at (api.md §10), and the count of all matches. */
  page(query: ListScoringRulesQuery): Promise<KeysetRead<ScoringRule>> {
    const builder = this.tx.manager.getRepository(ScoringRule).createQueryBuilder('r');
    return pageOfRules(builder, query, 'scoring-rules', 'category', { category: query.category });
  }

  findById(id: string): Promise<ScoringRule | null> {
    return this.tx.manager.getRepository(ScoringRule).findOne({ where: { id } });
  }

  /** The rule, locked until the transaction ends: edits of one rule queue up, so versions never collide. */
  findByIdForUpdate(id: string): Promise<ScoringRule | null> {
    return this.tx.manager
      .getRepository(ScoringRule)
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.id = :id', { id })
      .getOne();
  }

  async findIdBySlug(slug: string): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM scoring_rules WHERE slug = $1`,
      [slug],
    );
    return rows[0]?.id ?? null;
  }

  /** Inserts a new rule at version 1; null when the slug is taken (archived rules keep theirs). */
  async insert(definition: RuleDefinition): Promise<ScoringRule | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO scoring_rules (slug, name, description, is_active, priority, rule_type, category, conditions,
                                  points, max_per_day, max_per_lead, decay_days, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, 1)
       ON CONFLICT (slug) DO NOTHING
       RETURNING id`,
      [...definitionParams(definition)],
    );
    return rows.length ? this.findById(rows[0].id) : null;
  }

  /** Writes the rule's definition as its next version. */
  async saveNewVersion(rule: ScoringRule): Promise<void> {
    await this.tx.manager.query(
      `UPDATE scoring_rules
          SET slug = $1, name = $2, description = $3, is_active = $4, priority = $5, rule_type = $6,
              category = $7, conditions = $8::jsonb, points = $9, max_per_day = $10, max_per_lead = $11,
              decay_days = $12, version = $13, updated_at = now()
        WHERE id = $14`,
      [...definitionParams(rule), rule.version, rule.id],
    );
  }

  /** Records the rule's current definition as the snapshot of its current version. */
  async recordVersion(ruleId: string, actor: ActorRef): Promise<void> {
    await this.tx.manager.query(
      `INSERT INTO rule_versions (rule_id, version, snapshot, created_by)
       SELECT r.id, r.version, jsonb_build_object(
                'slug', r.slug, 'name', r.name, 'description', r.description, 'is_active', r.is_active,
                'priority', r.priority, 'rule_type', r.rule_type, 'category', r.category,
                'conditions', r.conditions, 'points', r.points, 'max_per_day', r.max_per_day,
                'max_per_lead', r.max_per_lead, 'decay_days', r.decay_days),
              $2::jsonb
         FROM scoring_rules r WHERE r.id = $1`,
      [ruleId, JSON.stringify(actor)],
    );
  }

  async archive(ruleId: string, actor: ActorRef): Promise<void> {
    await this.tx.manager.query(
      `UPDATE scoring_rules SET archived_at = now(), archived_by = $2::jsonb, updated_at = now()
        WHERE id = $1 AND archived_at IS NULL`,
      [ruleId, JSON.stringify(actor)],
    );
  }

  /** How often the rule applied, to how many leads, with how many points in all (expired rows included). */
  async stats(ruleId: string): Promise<RuleStats> {
    const [row]: { applications: number; leads: number; points: number }[] = await this.tx.manager.query(
      `SELECT count(*)::int AS applications, count(DISTINCT lead_id)::int AS leads,
              coalesce(sum(points), 0)::int AS points
         FROM score_ledger WHERE rule_id = $1`,
      [ruleId],
    );
    return { totalApplications: row.applications, uniqueLeads: row.leads, totalPoints: row.points };
  }
}

function definitionParams(d: RuleDefinition): unknown[] {
  return [
    d.slug,
    d.name,
    d.description,
    d.isActive,
    d.priority,
    d.ruleType,
    d.category,
    JSON.stringify(d.conditions),
    d.points,
    d.maxPerDay,
    d.maxPerLead,
    d.decayDays,
  ];
}

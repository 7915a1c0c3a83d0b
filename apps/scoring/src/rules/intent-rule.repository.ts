import { Injectable } from '@nestjs/common';
import type { ActorRef, ListIntentRulesQuery } from '@crm/contracts';
import { TransactionHost, type KeysetRead } from '@crm/service-kit';
import { IsNull } from 'typeorm';
import { pageOfRules } from './rule-list';
import { IntentRule } from './intent-rule.entity';

export type IntentRuleDefinition = Pick<
  IntentRule,
  'slug' | 'name' | 'description' | 'isActive' | 'priority' | 'intent' | 'ruleType' | 'conditions' | 'points'
>;

@Injectable()
export class IntentRuleRepository {
  constructor(private readonly tx: TransactionHost) {}

  private get repo() {
    return this.tx.manager.getRepository(IntentRule);
  }

  /** Active, non-archived rules, in the order they apply (priority, then slug). */
  findLive(): Promise<IntentRule[]> {
    return this.repo.find({
      where: { isActive: true, archivedAt: IsNull() },
      order: { priority: 'ASC', slug: 'ASC' },
    });
  }

  /** A page of rules ordered by priority, intent, created_at, and the count of all matches. */
  page(query: ListIntentRulesQuery): Promise<KeysetRead<IntentRule>> {
    return pageOfRules(this.repo.createQueryBuilder('r'), query, 'intent-rules', 'intent', {
      intent: query.intent,
    });
  }

  findById(id: string): Promise<IntentRule | null> {
    return this.repo.findOne({ where: { id } });
  }

  findByIdForUpdate(id: string): Promise<IntentRule | null> {
    return this.repo
      .createQueryBuilder('r')
      .setLock('pessimistic_write')
      .where('r.id = :id', { id })
      .getOne();
  }

  async findIdBySlug(slug: string): Promise<string | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `SELECT id FROM intent_rules WHERE slug = $1`,
      [slug],
    );
    return rows[0]?.id ?? null;
  }

  /** Inserts a new rule at version 1; null when the slug is taken (archived rules keep theirs). */
  async insert(definition: IntentRuleDefinition, actor: ActorRef): Promise<IntentRule | null> {
    const rows: { id: string }[] = await this.tx.manager.query(
      `INSERT INTO intent_rules (slug, name, description, is_active, priority, intent, rule_type, conditions, points,
                                 updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10::jsonb)
       ON CONFLICT (slug) DO NOTHING
       RETURNING id`,
      [...definitionParams(definition), JSON.stringify(actor)],
    );
    return rows.length ? this.findById(rows[0].id) : null;
  }

  async saveNewVersion(rule: IntentRule, actor: ActorRef): Promise<void> {
    await this.tx.manager.query(
      `UPDATE intent_rules
          SET slug = $1, name = $2, description = $3, is_active = $4, priority = $5, intent = $6, rule_type = $7,
              conditions = $8::jsonb, points = $9, version = $10, updated_by = $11::jsonb, updated_at = now()
        WHERE id = $12`,
      [...definitionParams(rule), rule.version, JSON.stringify(actor), rule.id],
    );
  }

  async archive(ruleId: string, actor: ActorRef): Promise<void> {
    await this.tx.manager.query(
      `UPDATE intent_rules SET archived_at = now(), archived_by = $2::jsonb, updated_at = now()
        WHERE id = $1 AND archived_at IS NULL`,
      [ruleId, JSON.stringify(actor)],
    );
  }
}

function definitionParams(d: IntentRuleDefinition): unknown[] {
  return [
    d.slug,
    d.name,
    d.description,
    d.isActive,
    d.priority,
    d.intent,
    d.ruleType,
    JSON.stringify(d.conditions),
    d.points,
  ];
}

import { Injectable } from '@nestjs/common';
import {
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  ValidationFailedError,
  type ArchiveIntentRuleCommand,
  type CreateIntentRuleCommand,
  type IntentRuleView,
  type IntentSignalView,
  type LeadIntentsQuery,
  type ListIntentRulesQuery,
  type Page,
  type UpdateIntentRuleCommand,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { checkRuleConditions } from '../rules/rule-definition';
import { assertNoNullWhere, sameJson, slugFromName } from '../rules/rule-edits';
import type { RuleConditions } from '../rules/rule-conditions';
import type { IntentRule } from '../rules/intent-rule.entity';
import { IntentRuleRepository, type IntentRuleDefinition } from '../rules/intent-rule.repository';
import { IntentSignalRepository } from './intent-signal.repository';

const DEFINITION_FIELDS = [
  'name',
  'description',
  'isActive',
  'priority',
  'intent',
  'ruleType',
  'conditions',
  'points',
] as const;

/**
 * Intent rules as data (added to api.md §10), edited like scoring rules: conditions checked for the rule type,
 * a version per change, archive instead of delete. Edits reach the consumers through the rules revision.
 * Signals already recorded keep the points and version they were detected with.
 */
@Injectable()
export class IntentRulesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly rules: IntentRuleRepository,
    private readonly signals: IntentSignalRepository,
  ) {}

  async list(query: ListIntentRulesQuery): Promise<Page<IntentRuleView>> {
    return (await this.rules.page(query)).page(toIntentRuleView);
  }

  async get(id: string): Promise<IntentRuleView> {
    const rule = await this.rules.findById(id);
    if (!rule) throw new NotFoundError('IntentRule', id);
    return toIntentRuleView(rule);
  }

  async create({ actor, body }: CreateIntentRuleCommand): Promise<IntentRuleView> {
    const definition: IntentRuleDefinition = {
      slug: body.slug ?? slugFromName(body.name),
      name: body.name,
      description: body.description ?? null,
      isActive: body.is_active ?? true,
      priority: body.priority ?? 100,
      intent: body.intent,
      ruleType: body.rule_type,
      conditions: body.conditions as unknown as RuleConditions,
      points: body.points,
    };
    assertSound(definition);
    return this.tx.transaction(async () => {
      const rule = await this.rules.insert(definition, actor);
      if (!rule) {
        throw new ConflictError(`An intent rule with slug '${definition.slug}' already exists`, {
          slug: definition.slug,
          existing_rule_id: await this.rules.findIdBySlug(definition.slug),
        });
      }
      return toIntentRuleView(rule);
    });
  }

  async update({ actor, id, body }: UpdateIntentRuleCommand): Promise<IntentRuleView> {
    assertNoNullWhere(body, ['name', 'is_active', 'priority', 'intent', 'rule_type', 'conditions', 'points']);
    return this.tx.transaction(async () => {
      const rule = await this.rules.findByIdForUpdate(id);
      if (!rule) throw new NotFoundError('IntentRule', id);
      if (rule.archivedAt) {
        throw new BusinessRuleError('An archived intent rule cannot be edited', {
          archived_at: rule.archivedAt.toISOString(),
        });
      }
      if (body.slug !== undefined && body.slug !== rule.slug) {
        throw new ValidationFailedError([
          { path: 'slug', message: 'slug cannot be changed', code: 'immutable' },
        ]);
      }
      const pick = <T>(value: T | undefined, current: T): T => (value === undefined ? current : value);
      const next: IntentRule = {
        ...rule,
        name: pick(body.name, rule.name),
        description: pick(body.description, rule.description),
        isActive: pick(body.is_active, rule.isActive),
        priority: pick(body.priority, rule.priority),
        intent: pick(body.intent, rule.intent),
        ruleType: pick(body.rule_type, rule.ruleType),
        conditions: pick(body.conditions as unknown as RuleConditions | undefined, rule.conditions),
        points: pick(body.points, rule.points),
      };
      if (DEFINITION_FIELDS.every((field) => sameJson(rule[field], next[field])))
        return toIntentRuleView(rule);
      assertSound(next);
      await this.rules.saveNewVersion({ ...next, version: rule.version + 1 }, actor);
      return toIntentRuleView((await this.rules.findById(id))!);
    });
  }

  async archive({ actor, id }: ArchiveIntentRuleCommand): Promise<void> {
    await this.tx.transaction(async () => {
      const rule = await this.rules.findByIdForUpdate(id);
      if (!rule) throw new NotFoundError('IntentRule', id);
      await this.rules.archive(id, actor);
    });
  }

  /** `GET /leads/:id/intents`: the lead's signals, newest first. */
  async leadSignals(query: LeadIntentsQuery): Promise<{ data: IntentSignalView[] }> {
    return { data: await this.signals.page({ ...query, lead_id: query.lead_id.toLowerCase() }) };
  }
}

function assertSound(definition: IntentRuleDefinition): void {
  const issues = checkRuleConditions(definition.ruleType, definition.conditions);
  if (issues.length) throw new ValidationFailedError(issues, 'The rule conditions do not fit its rule_type');
}

function toIntentRuleView(rule: IntentRule): IntentRuleView {
  return {
    id: rule.id,
    slug: rule.slug,
    name: rule.name,
    description: rule.description,
    is_active: rule.isActive,
    priority: rule.priority,
    intent: rule.intent,
    rule_type: rule.ruleType,
    conditions: rule.conditions as unknown as Record<string, unknown>,
    points: rule.points,
    version: rule.version,
    archived_at: rule.archivedAt?.toISOString() ?? null,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
  };
}

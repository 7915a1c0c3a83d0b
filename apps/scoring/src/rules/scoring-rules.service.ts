import { Injectable } from '@nestjs/common';
import {
  BusinessRuleError,
  ConflictError,
  NotFoundError,
  ValidationFailedError,
  type ArchiveScoringRuleCommand,
  type CreateScoringRuleBody,
  type CreateScoringRuleCommand,
  type ListScoringRulesQuery,
  type Page,
  type ScoringRuleView,
  type UpdateScoringRuleBody,
  type UpdateScoringRuleCommand,
} from '@crm/contracts';
import { TransactionHost } from '@crm/service-kit';
import { checkFitRuleLimits, checkRuleConditions } from './rule-definition';
import { assertNoNullWhere, sameJson, slugFromName } from './rule-edits';
import type { RuleConditions } from './rule-conditions';
import { toScoringRuleView } from './scoring-rule.mapper';
import { ScoringRuleRepository, type RuleDefinition } from './scoring-rule.repository';
import type { ScoringRule } from './scoring-rule.entity';

const DEFAULT_PRIORITY = 100;

/**
 * The rules API (api.md §10). Every change of a rule's definition is a new version, snapshotted with its author,
 * so a ledger row can always name the definition it applied; deleting archives. The consumers' rule caches
 * follow by themselves: a trigger moves the rules revision with every change, and they compare it per batch.
 */
@Injectable()
export class ScoringRulesService {
  constructor(
    private readonly tx: TransactionHost,
    private readonly rules: ScoringRuleRepository,
  ) {}

  async list(query: ListScoringRulesQuery): Promise<Page<ScoringRuleView>> {
    return (await this.rules.page(query)).page((rule) => toScoringRuleView(rule));
  }

  async get(id: string): Promise<ScoringRuleView> {
    const rule = await this.rules.findById(id);
    if (!rule) throw new NotFoundError('ScoringRule', id);
    return toScoringRuleView(rule, await this.rules.stats(id));
  }

  /** 400 for conditions that do not fit the type, 409 for a slug in use (archived rules keep theirs). */
  async create({ actor, body }: CreateScoringRuleCommand): Promise<ScoringRuleView> {
    const definition = newRuleDefinition(body);
    assertSoundDefinition(definition);
    return this.tx.transaction(async () => {
      const rule = await this.rules.insert(definition);
      if (!rule) {
        throw new ConflictError(`A scoring rule with slug '${definition.slug}' already exists`, {
          slug: definition.slug,
          existing_rule_id: await this.rules.findIdBySlug(definition.slug),
        });
      }
      await this.rules.recordVersion(rule.id, actor);
      return toScoringRuleView(rule);
    });
  }

  /**
   * Applies a partial change as the rule's next version. A body that changes nothing is answered with the rule
   * as it is (no new version). 404 unknown, 422 archived, 400 for a different slug or unsound conditions.
   */
  async update({ actor, id, body }: UpdateScoringRuleCommand): Promise<ScoringRuleView> {
    assertNoNullWhere(body, REQUIRED_WHEN_PRESENT);
    return this.tx.transaction(async () => {
      const rule = await this.rules.findByIdForUpdate(id);
      if (!rule) throw new NotFoundError('ScoringRule', id);
      if (rule.archivedAt) {
        throw new BusinessRuleError('An archived scoring rule cannot be edited', {
          archived_at: rule.archivedAt.toISOString(),
        });
      }
      if (body.slug !== undefined && body.slug !== rule.slug) {
        throw new ValidationFailedError([
          { path: 'slug', message: 'slug cannot be changed', code: 'immutable' },
        ]);
      }
      const next = patched(rule, body);
      if (!definitionChanged(rule, next)) return toScoringRuleView(rule);
      assertSoundDefinition(next);
      await this.rules.saveNewVersion({ ...next, version: rule.version + 1 });
      await this.rules.recordVersion(id, actor);
      return toScoringRuleView((await this.rules.findById(id))!);
    });
  }

  /** Archives the rule: it stops applying at once; its ledger rows and versions stay. Repeating is a no-op. */
  async archive({ actor, id }: ArchiveScoringRuleCommand): Promise<void> {
    await this.tx.transaction(async () => {
      const rule = await this.rules.findByIdForUpdate(id);
      if (!rule) throw new NotFoundError('ScoringRule', id);
      await this.rules.archive(id, actor);
    });
  }
}

/** A create body as a rule definition, with the defaults of api.md §10. */
export function newRuleDefinition(body: CreateScoringRuleBody): RuleDefinition {
  return {
    slug: body.slug ?? slugFromName(body.name),
    name: body.name,
    description: body.description ?? null,
    isActive: body.is_active ?? true,
    priority: body.priority ?? DEFAULT_PRIORITY,
    ruleType: body.rule_type,
    category: body.category,
    conditions: body.conditions as unknown as RuleConditions,
    points: body.points,
    maxPerDay: body.max_per_day ?? null,
    maxPerLead: body.max_per_lead ?? null,
    decayDays: body.decay_days ?? null,
  };
}

/** 400 for conditions or limits that do not fit the rule type, 422 for a type not evaluated yet. */
export function assertSoundDefinition(definition: RuleDefinition): void {
  const issues = [
    ...checkRuleConditions(definition.ruleType, definition.conditions),
    ...checkFitRuleLimits(definition),
  ];
  if (issues.length) throw new ValidationFailedError(issues, 'The rule does not fit its rule_type');
  if (definition.ruleType === 'threshold') {
    // Accepting one would promise points that are never awarded: the type is refused until it is evaluated.
    throw new BusinessRuleError(
      'threshold rules are not evaluated yet; use an event rule with max_per_lead',
      {
        rule_type: 'threshold',
      },
    );
  }
}

export const REQUIRED_WHEN_PRESENT = [
  'name',
  'is_active',
  'priority',
  'rule_type',
  'category',
  'conditions',
  'points',
] as const;

/** The rule as a partial change would leave it (not validated). */
export function patched(rule: ScoringRule, body: UpdateScoringRuleBody): ScoringRule {
  const pick = <T>(value: T | undefined, current: T): T => (value === undefined ? current : value);
  return {
    ...rule,
    name: pick(body.name, rule.name),
    description: pick(body.description, rule.description),
    isActive: pick(body.is_active, rule.isActive),
    priority: pick(body.priority, rule.priority),
    ruleType: pick(body.rule_type, rule.ruleType),
    category: pick(body.category, rule.category),
    conditions: pick(body.conditions as unknown as RuleConditions | undefined, rule.conditions),
    points: pick(body.points, rule.points),
    maxPerDay: pick(body.max_per_day, rule.maxPerDay),
    maxPerLead: pick(body.max_per_lead, rule.maxPerLead),
    decayDays: pick(body.decay_days, rule.decayDays),
  };
}

const DEFINITION_FIELDS = [
  'name',
  'description',
  'isActive',
  'priority',
  'ruleType',
  'category',
  'conditions',
  'points',
  'maxPerDay',
  'maxPerLead',
  'decayDays',
] as const;

function definitionChanged(before: ScoringRule, after: ScoringRule): boolean {
  return DEFINITION_FIELDS.some((field) => !sameJson(before[field], after[field]));
}

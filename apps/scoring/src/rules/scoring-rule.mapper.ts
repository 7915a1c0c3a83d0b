import type { ScoringRuleView } from '@crm/contracts';
import type { RuleStats } from './scoring-rule.repository';
import type { ScoringRule } from './scoring-rule.entity';

export function toScoringRuleView(rule: ScoringRule, stats?: RuleStats): ScoringRuleView {
  return {
    id: rule.id,
    slug: rule.slug,
    name: rule.name,
    description: rule.description,
    is_active: rule.isActive,
    priority: rule.priority,
    rule_type: rule.ruleType,
    category: rule.category,
    conditions: rule.conditions as unknown as Record<string, unknown>,
    points: rule.points,
    max_per_day: rule.maxPerDay,
    max_per_lead: rule.maxPerLead,
    decay_days: rule.decayDays,
    version: rule.version,
    archived_at: rule.archivedAt?.toISOString() ?? null,
    created_at: rule.createdAt.toISOString(),
    updated_at: rule.updatedAt.toISOString(),
    ...(stats
      ? {
          stats: {
            total_applications: stats.totalApplications,
            unique_leads: stats.uniqueLeads,
            total_points: stats.totalPoints,
          },
        }
      : {}),
  };
}

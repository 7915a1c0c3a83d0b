import type { MigrationInterface, QueryRunner } from 'typeorm';

interface SeedRule {
  slug: string;
  name: string;
  description: string;
  rule_type: 'event' | 'field';
  category: 'demographic' | 'engagement' | 'behavior';
  conditions: Record<string, unknown>;
  points: number;
  max_per_day: number | null;
  max_per_lead: number | null;
  decay_days: number | null;
}

/** product.md, "Default rules": "once" = max_per_lead 1, "3 per lead" = max_per_lead 3, "10/day" = max_per_day 10. */
const EVENT_RULES: SeedRule[] = [
  event('eng-page-visit', 'Page visit', 'page_visited', 2, 'engagement', { perDay: 10, decay: 30 }),
  event('eng-pricing-page', 'Pricing page visit', 'page_visited', 15, 'engagement', {
    perDay: 3,
    decay: 14,
    metadata: { page_path: '/pricing' },
  }),
  event('eng-email-open', 'Email opened', 'email_opened', 3, 'engagement', { perDay: 5, decay: 30 }),
  event('eng-email-click', 'Email link clicked', 'email_clicked', 8, 'engagement', { perDay: 5, decay: 21 }),
  event(
    'eng-linkedin-accepted',
    'LinkedIn connection accepted',
    'linkedin_connection_accepted',
    10,
    'engagement',
    {
      perLead: 1,
    },
  ),
  event('eng-linkedin-reply', 'LinkedIn message replied', 'linkedin_message_replied', 25, 'engagement', {
    perDay: 3,
    decay: 14,
  }),
  event('beh-form-submit', 'Form submitted', 'form_submitted', 20, 'behavior', { perDay: 3, decay: 30 }),
  event('beh-contact-form', 'Contact form submitted', 'contact_form_submitted', 35, 'behavior', {
    perLead: 3,
  }),
  event('beh-demo-request', 'Demo requested', 'demo_requested', 50, 'behavior', { perLead: 1 }),
  event('beh-roi-calculator', 'ROI calculator submitted', 'roi_calculator_submitted', 30, 'behavior', {
    perLead: 3,
    decay: 60,
  }),
  event('beh-sample-download', 'Sample report downloaded', 'sample_report_downloaded', 25, 'behavior', {
    perLead: 3,
    decay: 45,
  }),
  event('beh-webinar-registered', 'Webinar registered', 'webinar_registered', 20, 'behavior', {
    perDay: 2,
    decay: 30,
  }),
  event('beh-webinar-attended', 'Webinar attended', 'webinar_attended', 35, 'behavior', {
    perDay: 2,
    decay: 45,
  }),
];

/** Fit rules (demographic, once per lead), applied on each lead's profile (fit-scoring.service.ts). */
const FIT_RULES: SeedRule[] = [
  fit('fit-academic-email', 'Academic email', 15, {
    field: 'email',
    operator: 'pattern',
    value: '\\.(edu|ac\\.|uni-)',
  }),
  fit('fit-corporate-email', 'Corporate email', 10, {
    field: 'email',
    operator: 'not_pattern',
    value: 'gmail|yahoo|hotmail|outlook',
  }),
  fit('fit-decision-maker-title', 'Decision-maker title', 20, {
    field: 'job_title',
    operator: 'contains',
    value: ['VP', 'Director', 'Head of', 'Chief', 'Manager'],
  }),
  fit('fit-researcher-title', 'Researcher title', 15, {
    field: 'job_title',
    operator: 'contains',
    value: ['PhD', 'PostDoc', 'Researcher', 'Professor', 'PI', 'Scientist'],
  }),
];

/** Seeds the default rules and their version-1 snapshots. Idempotent: existing slugs (maybe edited) are kept. */
export class SeedDefaultScoringRules1795445500100 implements MigrationInterface {
  name = 'SeedDefaultScoringRules1795445500100';

  async up(db: QueryRunner): Promise<void> {
    const rules = [...EVENT_RULES, ...FIT_RULES];
    for (const [index, rule] of rules.entries()) {
      await db.query(
        `INSERT INTO "scoring"."scoring_rules"
           ("slug", "name", "description", "is_active", "priority", "rule_type", "category", "conditions",
            "points", "max_per_day", "max_per_lead", "decay_days", "version")
         VALUES ($1, $2, $3, true, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, 1)
         ON CONFLICT ("slug") DO NOTHING`,
        [
          rule.slug,
          rule.name,
          rule.description,
          (index + 1) * 10,
          rule.rule_type,
          rule.category,
          JSON.stringify(rule.conditions),
          rule.points,
          rule.max_per_day,
          rule.max_per_lead,
          rule.decay_days,
        ],
      );
    }
    // Every rule's current version gets its snapshot (the ledger references (rule_id, rule_version)).
    await db.query(`
      INSERT INTO "scoring"."rule_versions" ("rule_id", "version", "snapshot")
      SELECT r."id", r."version", jsonb_build_object(
        'slug', r."slug", 'name', r."name", 'description', r."description", 'is_active', r."is_active",
        'priority', r."priority", 'rule_type', r."rule_type", 'category', r."category",
        'conditions', r."conditions", 'points', r."points", 'max_per_day', r."max_per_day",
        'max_per_lead', r."max_per_lead", 'decay_days', r."decay_days")
      FROM "scoring"."scoring_rules" r
      ON CONFLICT ("rule_id", "version") DO NOTHING`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Seeded rules may already be referenced by ledger rows; they are left in place on purpose.
    void db;
  }
}

function event(
  slug: string,
  name: string,
  eventType: string,
  points: number,
  category: 'engagement' | 'behavior',
  options: { perDay?: number; perLead?: number; decay?: number; metadata?: Record<string, unknown> },
): SeedRule {
  return {
    slug,
    name,
    description: `${points} points per ${eventType}${options.metadata ? ' matching its metadata' : ''}`,
    rule_type: 'event',
    category,
    conditions: options.metadata
      ? { event_type: eventType, metadata: options.metadata }
      : { event_type: eventType },
    points,
    max_per_day: options.perDay ?? null,
    max_per_lead: options.perLead ?? null,
    decay_days: options.decay ?? null,
  };
}

function fit(slug: string, name: string, points: number, conditions: Record<string, unknown>): SeedRule {
  return {
    slug,
    name,
    description: `${points} points once per lead when the ${String(conditions.field)} matches (fit rule)`,
    rule_type: 'field',
    category: 'demographic',
    conditions,
    points,
    max_per_day: null,
    max_per_lead: 1,
    decay_days: null,
  };
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

interface SeedIntentRule {
  slug: string;
  name: string;
  intent: 'research' | 'b2b' | 'co_creation';
  rule_type: 'event' | 'field';
  conditions: Record<string, unknown>;
  points: number;
}

const visit = (path: string) => ({ event_type: 'page_visited', metadata: { page_path: path } });

/** product.md, Intent: the 22 default rules, each giving confidence points to one intent at most once per lead. */
const DEFAULT_INTENT_RULES: SeedIntentRule[] = [
  {
    slug: 'research-pricing-16s',
    name: '16S pricing page',
    intent: 'research',
    rule_type: 'event',
    conditions: visit('/pricing/16s'),
    points: 25,
  },
  {
    slug: 'research-academic-email',
    name: 'Academic email',
    intent: 'research',
    rule_type: 'field',
    conditions: { field: 'email', operator: 'pattern', value: '\\.(edu|ac\\.|uni-)' },
    points: 30,
  },
  {
    slug: 'research-title',
    name: 'Researcher or student title',
    intent: 'research',
    rule_type: 'field',
    conditions: {
      field: 'job_title',
      operator: 'contains',
      value: ['Researcher', 'Student', 'PhD', 'PostDoc', 'Professor', 'Scientist'],
    },
    points: 20,
  },
  {
    slug: 'research-sample-report',
    name: 'Sample report downloaded',
    intent: 'research',
    rule_type: 'event',
    conditions: { event_type: 'sample_report_downloaded' },
    points: 20,
  },
  {
    slug: 'research-roi-small',
    name: 'ROI calculator, under 100 samples a month',
    intent: 'research',
    rule_type: 'event',
    conditions: { event_type: 'roi_calculator_submitted', metadata: { samples_per_month: { lt: 100 } } },
    points: 25,
  },
  {
    slug: 'research-publications',
    name: 'Publications page',
    intent: 'research',
    rule_type: 'event',
    conditions: visit('/publications'),
    points: 15,
  },
  {
    slug: 'research-methods',
    name: 'Methods page',
    intent: 'research',
    rule_type: 'event',
    conditions: visit('/methods'),
    points: 10,
  },
  {
    slug: 'b2b-roi-calculator',
    name: 'ROI calculator submitted',
    intent: 'b2b',
    rule_type: 'event',
    conditions: { event_type: 'roi_calculator_submitted' },
    points: 20,
  },
  {
    slug: 'b2b-enterprise',
    name: 'Enterprise page',
    intent: 'b2b',
    rule_type: 'event',
    conditions: visit('/enterprise'),
    points: 30,
  },
  {
    slug: 'b2b-roi-volume',
    name: 'ROI calculator, 100 samples a month or more',
    intent: 'b2b',
    rule_type: 'event',
    conditions: { event_type: 'roi_calculator_submitted', metadata: { samples_per_month: { gte: 100 } } },
    points: 35,
  },
  {
    slug: 'b2b-company-size',
    name: 'Company of 51 people or more',
    intent: 'b2b',
    rule_type: 'field',
    conditions: { field: 'organization.company_size', operator: 'gte', value: 51 },
    points: 25,
  },
  {
    slug: 'b2b-title',
    name: 'Director, VP, head, manager or operations title',
    intent: 'b2b',
    rule_type: 'field',
    conditions: {
      field: 'job_title',
      operator: 'contains',
      value: ['Director', 'VP', 'Head', 'Manager', 'Operations'],
    },
    points: 20,
  },
  {
    slug: 'b2b-api-docs',
    name: 'API docs page',
    intent: 'b2b',
    rule_type: 'event',
    conditions: visit('/api-docs'),
    points: 25,
  },
  {
    slug: 'b2b-integrations',
    name: 'Integrations page',
    intent: 'b2b',
    rule_type: 'event',
    conditions: visit('/integrations'),
    points: 20,
  },
  {
    slug: 'b2b-demo-request',
    name: 'Demo requested',
    intent: 'b2b',
    rule_type: 'event',
    conditions: { event_type: 'demo_requested' },
    points: 25,
  },
  {
    slug: 'co-creation-partnerships',
    name: 'Partnerships page',
    intent: 'co_creation',
    rule_type: 'event',
    conditions: visit('/partnerships'),
    points: 40,
  },
  {
    slug: 'co-creation-custom-panel',
    name: 'Contact form: custom panel',
    intent: 'co_creation',
    rule_type: 'event',
    conditions: { event_type: 'contact_form_submitted', metadata: { inquiry_type: 'custom_panel' } },
    points: 50,
  },
  {
    slug: 'co-creation-white-label',
    name: 'White-label page',
    intent: 'co_creation',
    rule_type: 'event',
    conditions: visit('/white-label'),
    points: 45,
  },
  {
    slug: 'co-creation-industry',
    name: 'Pharma or biotech industry',
    intent: 'co_creation',
    rule_type: 'field',
    conditions: { field: 'organization.industry', operator: 'contains', value: ['pharma', 'biotech'] },
    points: 20,
  },
  {
    slug: 'co-creation-executive',
    name: 'Executive title',
    intent: 'co_creation',
    rule_type: 'field',
    conditions: {
      field: 'job_title',
      operator: 'contains',
      value: ['VP', 'CSO', 'CTO', 'Chief', 'Founder', 'CEO', 'President'],
    },
    points: 25,
  },
  {
    slug: 'co-creation-oem',
    name: 'OEM page',
    intent: 'co_creation',
    rule_type: 'event',
    conditions: visit('/oem'),
    points: 35,
  },
  {
    slug: 'co-creation-licensing',
    name: 'Contact form: licensing',
    intent: 'co_creation',
    rule_type: 'event',
    conditions: { event_type: 'contact_form_submitted', metadata: { inquiry_type: 'licensing' } },
    points: 45,
  },
];

/**
 * Intent detection (product.md, Intent): rules as data, one signal per (lead, rule), the lead's intent sums on
 * its score row (under the same lock). Intent rules move the rules revision too, so the consumers' caches
 * follow every edit.
 */
export class IntentDetection1796300000200 implements MigrationInterface {
  name = 'IntentDetection1796300000200';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE "scoring"."intent_rules" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "slug" varchar(100) NOT NULL,
        "name" varchar(200) NOT NULL,
        "description" text,
        "is_active" boolean NOT NULL DEFAULT true,
        "priority" integer NOT NULL DEFAULT 100,
        "intent" varchar(20) NOT NULL CHECK ("intent" IN ('research', 'b2b', 'co_creation')),
        "rule_type" varchar(20) NOT NULL CHECK ("rule_type" IN ('event', 'field')),
        "conditions" jsonb NOT NULL CHECK (jsonb_typeof("conditions") = 'object'),
        "points" integer NOT NULL CHECK ("points" BETWEEN 1 AND 100),
        "version" integer NOT NULL DEFAULT 1 CHECK ("version" >= 1),
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "archived_at" timestamptz,
        "archived_by" jsonb,
        "updated_by" jsonb,
        CONSTRAINT "uq_intent_rules_slug" UNIQUE ("slug")
      )`);
    await db.query(`
      CREATE TRIGGER "trg_intent_rules_revision"
      AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "scoring"."intent_rules"
      FOR EACH STATEMENT EXECUTE FUNCTION "scoring"."bump_rules_revision"()`);
    await db.query(`
      CREATE TABLE "scoring"."intent_signals" (
        "id" uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        "lead_id" uuid NOT NULL,
        "rule_id" uuid NOT NULL REFERENCES "scoring"."intent_rules" ("id"),
        "rule_slug" varchar(100) NOT NULL,
        "rule_version" integer NOT NULL,
        "intent" varchar(20) NOT NULL,
        "confidence_points" integer NOT NULL,
        "trigger_type" varchar(20) NOT NULL CHECK ("trigger_type" IN ('event', 'field')),
        "event_id" uuid,
        "trigger_data" jsonb NOT NULL DEFAULT '{}'::jsonb,
        "detected_at" timestamptz NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        -- Each intent rule counts at most once per lead (product.md).
        CONSTRAINT "uq_intent_signals_lead_rule" UNIQUE ("lead_id", "rule_id")
      )`);
    await db.query(`
      ALTER TABLE "scoring"."lead_scores"
        ADD COLUMN "intent_research" integer NOT NULL DEFAULT 0,
        ADD COLUMN "intent_b2b" integer NOT NULL DEFAULT 0,
        ADD COLUMN "intent_co_creation" integer NOT NULL DEFAULT 0`);
    for (const [index, rule] of DEFAULT_INTENT_RULES.entries()) {
      await db.query(
        `INSERT INTO "scoring"."intent_rules" ("slug", "name", "intent", "rule_type", "conditions", "points", "priority")
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
         ON CONFLICT ("slug") DO NOTHING`,
        [
          rule.slug,
          rule.name,
          rule.intent,
          rule.rule_type,
          JSON.stringify(rule.conditions),
          rule.points,
          (index + 1) * 10,
        ],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE "scoring"."lead_scores"
        DROP COLUMN "intent_research", DROP COLUMN "intent_b2b", DROP COLUMN "intent_co_creation"`);
    await db.query(`DROP TABLE "scoring"."intent_signals"`);
    await db.query(`DROP TABLE "scoring"."intent_rules"`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

interface SeedRule {
  id: string;
  name: string;
  description: string;
  is_active: boolean;
  priority: number;
  trigger_type: string;
  trigger_config: Record<string, unknown>;
  action_type: string;
  action_config: Record<string, unknown>;
}

const followUpTask = (title: string, priority: string, dueDays: number) => ({
  title,
  task_type: 'follow_up',
  due_days: dueDays,
  priority,
});

/**
 * The global rules of product.md ("Stage triggers and automation"), editable afterwards. None routes or assigns
 * owners: that is the router's job.
 */
export const SEEDED_RULES: SeedRule[] = [
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000001',
    name: 'Hot lead alert',
    // The slack service's own `hot_lead` alert (api.md §15.6) posts the same crossing: enabling both posts twice.
    description:
      'Tell sales when a lead reaches the hot tier (score ≥ 80); once per crossing. Off by default: the Slack ' +
      'integration’s hot_lead alert already posts it; enable this one instead of that alert, not with it.',
    is_active: false,
    priority: 10,
    trigger_type: 'score_threshold',
    trigger_config: { score_gte: 80 },
    action_type: 'send_notification',
    action_config: {
      channel: '#hot-leads',
      message: 'Hot lead: {lead.first_name} {lead.last_name} <{lead.email}> reached a score of {lead.score}',
    },
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000002',
    name: 'MQL alert',
    description: 'Tell marketing when a lead becomes marketing-qualified (score ≥ 40); once per crossing.',
    is_active: true,
    priority: 20,
    trigger_type: 'score_threshold',
    trigger_config: { score_gte: 40 },
    action_type: 'send_notification',
    action_config: {
      channel: '#marketing',
      message: 'New MQL: {lead.first_name} {lead.last_name} <{lead.email}> (score {lead.score})',
    },
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000003',
    name: 'Demo requested: follow up',
    description: 'A task to book the demo a lead asked for.',
    is_active: true,
    priority: 30,
    trigger_type: 'event',
    trigger_config: { event_type: 'demo_requested' },
    action_type: 'create_task',
    action_config: followUpTask('Demo requested: schedule the demo', 'high', 1),
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000004',
    name: 'Order placed: lifecycle customer',
    description: 'A lead that placed an order is a customer.',
    is_active: true,
    priority: 40,
    trigger_type: 'event',
    trigger_config: { event_type: 'order_placed' },
    action_type: 'update_field',
    action_config: { field: 'lifecycle_stage', value: 'customer' },
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000005',
    name: 'Portal registration: welcome call',
    description: 'A task to welcome a lead who registered on the portal.',
    is_active: true,
    priority: 50,
    trigger_type: 'event',
    trigger_config: { event_type: 'user_registered' },
    action_type: 'create_task',
    action_config: followUpTask('New portal registration: welcome call', 'medium', 2),
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000006',
    name: 'ROI calculator submitted: follow up',
    description: 'A task to discuss the ROI calculation a lead submitted.',
    is_active: true,
    priority: 60,
    trigger_type: 'event',
    trigger_config: { event_type: 'roi_calculator_submitted' },
    action_type: 'create_task',
    action_config: followUpTask('ROI calculator submitted: discuss the results', 'high', 1),
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000007',
    name: 'Contact form: reply',
    description: 'A task to answer a contact form.',
    is_active: true,
    priority: 70,
    trigger_type: 'event',
    trigger_config: { event_type: 'contact_form_submitted' },
    action_type: 'create_task',
    action_config: followUpTask('Contact form submitted: reply', 'high', 1),
  },
  {
    id: '7a0c1e55-0001-4a11-9c00-000000000008',
    name: 'Pricing page alert',
    description: 'Tell sales when a lead looks at the pricing page.',
    is_active: true,
    priority: 80,
    trigger_type: 'event',
    trigger_config: { event_type: 'page_visited', metadata: { page_path: '/pricing' } },
    action_type: 'send_notification',
    action_config: {
      channel: '#sales',
      message:
        '{lead.first_name} {lead.last_name} <{lead.email}> (score {lead.score}) is on the pricing page',
    },
  },
];

/** Global automation rules (api.md §12): rules, their logs, arming per lead, and the deal-stage read model. */
export class AutomationRules1797200000000 implements MigrationInterface {
  name = 'AutomationRules1797200000000';

  async up(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".automation_rules (
        id uuid PRIMARY KEY,
        name text NOT NULL,
        description text,
        is_active boolean NOT NULL DEFAULT true,
        priority int NOT NULL DEFAULT 100,
        pipeline_id uuid,
        stage_id uuid,
        pipeline_name text,
        stage_name text,
        trigger_type text NOT NULL CHECK (trigger_type IN
          ('event', 'score_threshold', 'intent_detected', 'time_in_stage', 'stage_change')),
        trigger_config jsonb NOT NULL DEFAULT '{}'::jsonb,
        action_type text NOT NULL CHECK (action_type IN ('move_to_stage', 'assign_owner', 'send_notification',
          'create_task', 'sync_moco', 'update_field', 'route_to_pipeline')),
        action_config jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_rules_firing ON "${schema}".automation_rules (trigger_type)
       WHERE is_active AND deleted_at IS NULL`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".automation_rule_logs (
        id uuid PRIMARY KEY,
        rule_id uuid NOT NULL REFERENCES "${schema}".automation_rules (id),
        occurrence_key text NOT NULL,
        lead_id uuid,
        deal_id uuid,
        trigger_data jsonb NOT NULL DEFAULT '{}'::jsonb,
        action_result jsonb,
        success boolean,
        error_message text,
        executed_at timestamptz NOT NULL DEFAULT now(),
        lead_email text,
        lead_name text,
        CONSTRAINT automation_rule_logs_occurrence UNIQUE (rule_id, occurrence_key)
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_rule_logs_rule
       ON "${schema}".automation_rule_logs (rule_id, executed_at DESC, id DESC)`,
    );
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_rule_logs_executed ON "${schema}".automation_rule_logs (executed_at)`,
    );
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_rule_logs_lead ON "${schema}".automation_rule_logs (lead_id)`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".automation_rule_arming (
        rule_id uuid NOT NULL,
        lead_id uuid NOT NULL,
        armed boolean NOT NULL,
        last_seen bigint NOT NULL,
        PRIMARY KEY (rule_id, lead_id)
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_rule_arming_lead ON "${schema}".automation_rule_arming (lead_id)`,
    );
    await runner.query(`
      CREATE TABLE IF NOT EXISTS "${schema}".automation_deal_stages (
        deal_id uuid PRIMARY KEY,
        lead_id uuid NOT NULL,
        pipeline_id uuid,
        stage_id uuid NOT NULL,
        stage_entry_key text NOT NULL,
        entered_at timestamptz NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'won', 'lost', 'deleted')),
        last_event_at timestamptz NOT NULL
      )`);
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_deal_stages_open
       ON "${schema}".automation_deal_stages (stage_id, entered_at) WHERE status = 'open'`,
    );
    await runner.query(
      `CREATE INDEX IF NOT EXISTS automation_deal_stages_lead ON "${schema}".automation_deal_stages (lead_id)`,
    );
    for (const rule of SEEDED_RULES) {
      await runner.query(
        `INSERT INTO "${schema}".automation_rules
           (id, name, description, is_active, priority, trigger_type, trigger_config, action_type, action_config)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (id) DO NOTHING`,
        [
          rule.id,
          rule.name,
          rule.description,
          rule.is_active,
          rule.priority,
          rule.trigger_type,
          JSON.stringify(rule.trigger_config),
          rule.action_type,
          JSON.stringify(rule.action_config),
        ],
      );
    }
  }

  async down(runner: QueryRunner): Promise<void> {
    const schema = schemaOf(runner);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".automation_deal_stages`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".automation_rule_arming`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".automation_rule_logs`);
    await runner.query(`DROP TABLE IF EXISTS "${schema}".automation_rules`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@crm/service-kit';

/**
 * The leads schema: organizations, leads (with the score/intent read model), the producer event log,
 * pipelines, stages, deals and their stage history.
 */
export class CreateLeadsTables1764000000000 implements MigrationInterface {
  name = 'CreateLeadsTables1764000000000';

  async up(runner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(runner)}"`;

    await runner.query(`
      CREATE TABLE ${s}.organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL,
        domain varchar(255),
        industry varchar(100),
        company_size varchar(50),
        country varchar(2),
        portal_id varchar(100),
        moco_id varchar(50),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Domains are stored lowercase without scheme; one organization per domain.
    await runner.query(
      `CREATE UNIQUE INDEX organizations_domain_key ON ${s}.organizations (domain) WHERE domain IS NOT NULL`,
    );
    await runner.query(
      `CREATE UNIQUE INDEX organizations_portal_id_key ON ${s}.organizations (portal_id) WHERE portal_id IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX organizations_name_lower ON ${s}.organizations (lower(name))`);

    await runner.query(`
      CREATE TABLE ${s}.pipelines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        slug varchar(100) NOT NULL,
        name varchar(255) NOT NULL,
        description text,
        is_active boolean NOT NULL DEFAULT true,
        is_default boolean NOT NULL DEFAULT false,
        sales_cycle_days integer CHECK (sales_cycle_days IS NULL OR sales_cycle_days >= 1),
        target_persona varchar(255),
        config jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pipelines_slug_key UNIQUE (slug)
      )`);
    // At most one default pipeline.
    await runner.query(
      `CREATE UNIQUE INDEX pipelines_single_default ON ${s}.pipelines (is_default) WHERE is_default`,
    );

    await runner.query(`
      CREATE TABLE ${s}.stages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        pipeline_id uuid NOT NULL REFERENCES ${s}.pipelines (id) ON DELETE CASCADE,
        slug varchar(100) NOT NULL,
        name varchar(255) NOT NULL,
        position integer NOT NULL CHECK (position >= 1),
        color varchar(7),
        stage_type varchar(20) CHECK (stage_type IN
          ('awareness','interest','consideration','evaluation','decision','closed_won','closed_lost')),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stages_pipeline_slug_key UNIQUE (pipeline_id, slug)
      )`);
    // api.md §7: each stage type at most once per pipeline.
    await runner.query(
      `CREATE UNIQUE INDEX stages_pipeline_stage_type_key ON ${s}.stages (pipeline_id, stage_type) WHERE stage_type IS NOT NULL`,
    );
    await runner.query(`CREATE INDEX stages_pipeline_position ON ${s}.stages (pipeline_id, position)`);

    await runner.query(`
      CREATE TABLE ${s}.leads (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email varchar(255),
        first_name varchar(100),
        last_name varchar(100),
        phone varchar(50),
        job_title varchar(150),
        organization_id uuid REFERENCES ${s}.organizations (id) ON DELETE SET NULL,
        status varchar(20) NOT NULL DEFAULT 'new'
          CHECK (status IN ('new','contacted','qualified','nurturing','customer','churned')),
        lifecycle_stage varchar(20) NOT NULL DEFAULT 'lead'
          CHECK (lifecycle_stage IN ('subscriber','lead','mql','sql','opportunity','customer')),
        demographic_score integer NOT NULL DEFAULT 0,
        engagement_score integer NOT NULL DEFAULT 0,
        behavior_score integer NOT NULL DEFAULT 0,
        total_score integer NOT NULL DEFAULT 0,
        score_tier varchar(10) NOT NULL DEFAULT 'cold' CHECK (score_tier IN ('cold','warm','hot','very_hot')),
        score_version integer NOT NULL DEFAULT 0,
        scored_at timestamptz,
        pipeline_id uuid REFERENCES ${s}.pipelines (id) ON DELETE SET NULL,
        routing_status varchar(20) NOT NULL DEFAULT 'unrouted'
          CHECK (routing_status IN ('unrouted','routed','manual_review')),
        routed_at timestamptz,
        primary_intent varchar(20) CHECK (primary_intent IN ('research','b2b','co_creation')),
        intent_confidence integer CHECK (intent_confidence BETWEEN 0 AND 100),
        intent_summary jsonb NOT NULL DEFAULT '{"research":0,"b2b":0,"co_creation":0}'::jsonb,
        first_touch_source varchar(20),
        first_touch_campaign varchar(100),
        first_touch_date timestamptz,
        last_touch_source varchar(20),
        last_touch_campaign varchar(100),
        last_touch_date timestamptz,
        portal_id varchar(100),
        waalaxy_id varchar(100),
        linkedin_url varchar(255),
        lemlist_id varchar(100),
        consent_date timestamptz,
        consent_source varchar(100),
        gdpr_delete_requested timestamptz,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        last_activity timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Identity keys (product.md): email case-insensitively, then the external ids. Leads created from an
    // external id alone have no email yet, hence the partial indexes.
    await runner.query(
      `CREATE UNIQUE INDEX leads_email_key ON ${s}.leads (lower(email)) WHERE email IS NOT NULL`,
    );
    for (const column of ['portal_id', 'waalaxy_id', 'linkedin_url', 'lemlist_id']) {
      await runner.query(
        `CREATE UNIQUE INDEX leads_${column}_key ON ${s}.leads (${column}) WHERE ${column} IS NOT NULL`,
      );
    }
    await runner.query(`CREATE INDEX leads_created_at ON ${s}.leads (created_at)`);
    await runner.query(`CREATE INDEX leads_total_score ON ${s}.leads (total_score)`);
    await runner.query(`CREATE INDEX leads_last_activity ON ${s}.leads (last_activity)`);
    await runner.query(`CREATE INDEX leads_organization_id ON ${s}.leads (organization_id)`);
    await runner.query(`CREATE INDEX leads_pipeline_id ON ${s}.leads (pipeline_id)`);

    await runner.query(`
      CREATE TABLE ${s}.lead_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        producer_event_id varchar(128),
        lead_id uuid NOT NULL REFERENCES ${s}.leads (id) ON DELETE CASCADE,
        event_type varchar(100) NOT NULL,
        event_category varchar(50),
        source varchar(20) NOT NULL,
        occurred_at timestamptz NOT NULL,
        received_at timestamptz NOT NULL,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        campaign_id varchar(100),
        utm_source varchar(100),
        utm_medium varchar(100),
        utm_campaign varchar(100),
        correlation_id varchar(128),
        score_points integer,
        score_category varchar(20),
        processed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- The permanent dedupe key of ingest (api.md §4.1): stored and scored once.
        CONSTRAINT lead_events_source_event_id_key UNIQUE (source, event_id)
      )`);
    await runner.query(
      `CREATE INDEX lead_events_lead_occurred ON ${s}.lead_events (lead_id, occurred_at DESC)`,
    );
    await runner.query(`CREATE INDEX lead_events_occurred ON ${s}.lead_events (occurred_at DESC)`);
    await runner.query(`CREATE INDEX lead_events_event_id ON ${s}.lead_events (event_id)`);

    await runner.query(`
      CREATE TABLE ${s}.deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lead_id uuid NOT NULL REFERENCES ${s}.leads (id) ON DELETE CASCADE,
        pipeline_id uuid NOT NULL REFERENCES ${s}.pipelines (id),
        stage_id uuid NOT NULL REFERENCES ${s}.stages (id),
        position integer NOT NULL DEFAULT 1,
        name varchar(255) NOT NULL,
        value numeric(14,2) CHECK (value IS NULL OR value >= 0),
        currency varchar(3) NOT NULL DEFAULT 'EUR',
        expected_close_date date,
        assigned_to uuid,
        assigned_region varchar(50),
        assigned_at timestamptz,
        status varchar(10) NOT NULL DEFAULT 'open' CHECK (status IN ('open','won','lost')),
        close_reason varchar(500),
        closed_at timestamptz,
        moco_offer_id varchar(50),
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        stage_entered_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // product.md: one OPEN deal per lead and pipeline; a new deal may follow a lost one.
    await runner.query(
      `CREATE UNIQUE INDEX deals_one_open_per_lead_pipeline ON ${s}.deals (lead_id, pipeline_id) WHERE status = 'open'`,
    );
    await runner.query(`CREATE INDEX deals_stage_position ON ${s}.deals (stage_id, position)`);
    await runner.query(`CREATE INDEX deals_pipeline_status ON ${s}.deals (pipeline_id, status)`);
    await runner.query(`CREATE INDEX deals_lead_id ON ${s}.deals (lead_id)`);
    await runner.query(`CREATE INDEX deals_created_at ON ${s}.deals (created_at)`);

    await runner.query(`
      CREATE TABLE ${s}.deal_stage_history (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deal_id uuid NOT NULL REFERENCES ${s}.deals (id) ON DELETE CASCADE,
        from_stage_id uuid REFERENCES ${s}.stages (id),
        from_stage_name varchar(255),
        to_stage_id uuid NOT NULL REFERENCES ${s}.stages (id),
        to_stage_name varchar(255) NOT NULL,
        from_status varchar(10) CHECK (from_status IN ('open','won','lost')),
        to_status varchar(10) NOT NULL CHECK (to_status IN ('open','won','lost')),
        moved_at timestamptz NOT NULL DEFAULT now(),
        time_in_previous_stage_seconds integer,
        reason varchar(20) NOT NULL
          CHECK (reason IN ('created','move','close','reopen','routing','automation','booking')),
        moved_by_type varchar(10) NOT NULL CHECK (moved_by_type IN ('user','api_key','system')),
        moved_by_id varchar(255),
        moved_by_name varchar(255)
      )`);
    await runner.query(`CREATE INDEX deal_stage_history_deal ON ${s}.deal_stage_history (deal_id, moved_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(runner)}"`;
    for (const table of [
      'deal_stage_history',
      'deals',
      'lead_events',
      'leads',
      'stages',
      'pipelines',
      'organizations',
    ]) {
      await runner.query(`DROP TABLE IF EXISTS ${s}.${table}`);
    }
  }
}

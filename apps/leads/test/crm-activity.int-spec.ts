import { randomUUID } from 'node:crypto';
import {
  CRM_ACTIVITY_SOURCE,
  Queries,
  Subjects,
  type DealView,
  type EventView,
  type LeadCreatedV1,
  type LeadEventRecordedV1,
  type LeadView,
  type MessageEnvelope,
  type MocoInvoicePaidV1,
  type PipelineView,
  type StageView,
  type TaskView,
  type TimelineItemView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { Client } from 'pg';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

/**
 * CRM activity rows (api.md §4.3): leads writes its own happenings into the event feed from the domain events it
 * publishes, asynchronously, so each check waits for the row to appear.
 */
describe('leads: CRM activity rows in the event feed (api.md §4.3, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);
  let pipelines: PipelineView[];

  beforeAll(async () => {
    await app.start();
    pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
  });
  afterAll(() => app.stop());

  const pipeline = (slug: string) => pipelines.find((p) => p.slug === slug)!;
  const stagesOf = async (slug: string) =>
    (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: pipeline(slug).id })).data;
  const feed = (query: Record<string, unknown>) =>
    app.call<{ data: EventView[]; total: number }>(Queries.LeadsListEvents, { limit: 100, ...query });
  const crmRowsOf = async (leadId: string) =>
    (await feed({ lead_id: leadId, source: CRM_ACTIVITY_SOURCE })).data;
  /** The lead's CRM rows of that type, once `count` of them are in the feed. */
  const activity = (leadId: string, eventType: string, count = 1) =>
    waitFor(
      async () => {
        const rows = (await crmRowsOf(leadId)).filter((row) => row.event_type === eventType);
        return rows.length >= count && rows;
      },
      { message: `${count} ${eventType} row(s) of lead ${leadId} in the feed` },
    );
  const createLead = (body: Record<string, unknown>) =>
    app.call<LeadView>(Queries.LeadsCreateLead, { actor: USER, body });
  const ingestedLead = async (email: string, occurredAt = new Date().toISOString()) => {
    const envelope = await app.ingest(
      app.ingestEvent({ lead_identifier: { email }, occurred_at: occurredAt }),
    );
    const [{ id }] = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE email = $1`, [email]);
    return { id, producerEventId: envelope.data.event_id };
  };
  const leadCreatedEnvelope = async (leadId: string) =>
    (await app.streamMessages<LeadCreatedV1>('LEADS', Subjects.LeadCreated)).find(
      (m) => m.data.lead_id === leadId,
    )!;
  /** The inbox forgets the message (pruned after 16 days, or a replay): a redelivery is handled anew. */
  const forgetHandled = (envelope: MessageEnvelope<unknown>) =>
    app.sql(`DELETE FROM leads.processed_message WHERE consumer = $1 AND message_id = $2`, [
      'leads-activity-lead-created',
      envelope.id,
    ]);
  /** Publishes the lead's next score as scoring would: past the gate with a clear b2b intent. */
  const b2bScore = (leadId: string, eventId: string | null = null) =>
    app.score({
      lead_id: leadId,
      version: 1,
      scores: { demographic: 10, engagement: 4, behavior: 80, total: 94 },
      previous_total: 0,
      tier: 'very_hot',
      previous_tier: 'cold',
      tier_changed: true,
      reason: 'event',
      event_id: eventId,
      points_applied: 94,
      scored_at: new Date().toISOString(),
      intent: {
        primary_intent: 'b2b',
        intent_confidence: 100,
        intent_summary: { research: 0, b2b: 110, co_creation: 0 },
        conflict: false,
      },
    });

  it('writes a row per CRM happening of a lead, with its category, type and metadata', async () => {
    const email = `ada.${unique()}@biolab-${unique()}.com`;
    const lead = await createLead({
      email,
      first_name: 'Ada',
      first_touch_source: 'conference',
      first_touch_campaign: 'summit-25',
    });

    const [created] = await activity(lead.id, 'lead_created');
    const announced = await leadCreatedEnvelope(lead.id);
    expect(created).toEqual({
      // The feed id is the id of the domain event (the webhook id of api.md §16).
      id: announced.id,
      lead_id: lead.id,
      event_type: 'lead_created',
      event_category: 'activity',
      source: 'crm',
      occurred_at: announced.data.created_at,
      received_at: expect.any(String),
      metadata: {
        organization_id: lead.organization_id,
        first_touch_source: 'conference',
        first_touch_campaign: 'summit-25',
      },
      correlation_id: expect.any(String),
      campaign_id: null,
      utm_source: null,
      utm_medium: null,
      utm_campaign: null,
      score_points: null,
      score_category: null,
      processed_at: expect.any(String),
      created_at: expect.any(String),
      lead: { id: lead.id, email, first_name: 'Ada', last_name: null },
    });

    const stages = await stagesOf('research-lab');
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: {
        lead_id: lead.id,
        pipeline_id: pipeline('research-lab').id,
        name: 'Ada 16S pilot',
        value: 1500,
      },
    });
    expect((await activity(lead.id, 'deal_created'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: {
        deal_id: deal.id,
        deal_name: 'Ada 16S pilot',
        pipeline_id: pipeline('research-lab').id,
        stage_id: stages[0].id,
        value: 1500,
        currency: 'EUR',
        assigned_to: null,
        status: 'open',
      },
    });

    await app.call(Queries.LeadsMoveDeal, {
      actor: USER,
      deal_id: deal.id,
      body: { stage_id: stages[1].id },
    });
    expect((await activity(lead.id, 'deal_stage_changed'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: {
        deal_id: deal.id,
        deal_name: 'Ada 16S pilot',
        pipeline_name: 'Research Lab',
        from_stage_id: stages[0].id,
        to_stage_id: stages[1].id,
        to_stage_name: stages[1].name,
        status: 'open',
        reason: 'move',
        moved_by: USER,
      },
    });

    // Won into the pipeline's won stage: a stage change to it, and the outcome.
    await app.call(Queries.LeadsCloseDeal, {
      actor: USER,
      deal_id: deal.id,
      body: { status: 'won', close_reason: 'budget approved' },
    });
    const wonStage = stages.find((s) => s.stage_type === 'closed_won')!;
    expect((await activity(lead.id, 'deal_won'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: { deal_id: deal.id, stage_id: wonStage.id, close_reason: 'budget approved', value: 1500 },
    });
    const moves = await activity(lead.id, 'deal_stage_changed', 2);
    expect(moves.find((m) => m.metadata.reason === 'close')?.metadata).toMatchObject({
      to_stage_id: wonStage.id,
      status: 'won',
    });

    const second = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: pipeline('research-lab').id, name: 'Ada follow-up' },
    });
    await app.call(Queries.LeadsCloseDeal, { actor: USER, deal_id: second.id, body: { status: 'lost' } });
    expect((await activity(lead.id, 'deal_lost'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: { deal_id: second.id, deal_name: 'Ada follow-up', close_reason: null },
    });

    const { data: task } = await app.call<{ data: TaskView }>(Queries.LeadsCreateTask, {
      actor: USER,
      body: { lead_id: lead.id, title: 'Call Ada', priority: 'high' },
    });
    expect((await activity(lead.id, 'task_created'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: { task_id: task.id, title: 'Call Ada', priority: 'high', status: 'open' },
    });
    await app.call(Queries.LeadsTransitionTask, { actor: USER, id: task.id, transition: 'complete' });
    expect((await activity(lead.id, 'task_completed'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: { task_id: task.id, title: 'Call Ada', status: 'completed' },
    });

    // A person routes the lead: routing's deal and first-contact task come with it, the task as the CRM's own.
    await app.call(Queries.LeadsRouteManually, {
      actor: USER,
      lead_id: lead.id,
      body: { pipeline_id: pipeline('b2b-lab-enablement').id },
    });
    const [routed] = await activity(lead.id, 'lead_routed');
    expect(routed).toMatchObject({
      event_category: 'activity',
      metadata: {
        pipeline_id: pipeline('b2b-lab-enablement').id,
        pipeline_slug: 'b2b-lab-enablement',
        pipeline_name: 'B2B Lab Enablement',
        routed_by: 'manual',
        deal_id: expect.any(String),
      },
    });
    const tasks = await activity(lead.id, 'task_created', 2);
    expect(tasks.find((t) => t.metadata.task_type === 'first_contact')).toMatchObject({
      event_category: 'system',
      metadata: { created_by: 'routing', deal_id: routed.metadata.deal_id },
    });
    const deals = await activity(lead.id, 'deal_created', 3);
    expect(deals.map((d) => d.metadata.deal_id)).toContain(routed.metadata.deal_id);
  });

  it('writes automatic routing as system rows, and filters by event_category and source', async () => {
    const email = `auto.${unique()}@pharma-${unique()}.com`;
    const { id: leadId, producerEventId } = await ingestedLead(email);
    expect((await activity(leadId, 'lead_created'))[0]).toMatchObject({
      event_category: 'activity',
      metadata: { first_touch_source: 'website' },
    });
    await b2bScore(leadId);
    expect((await activity(leadId, 'lead_routed'))[0]).toMatchObject({
      event_category: 'system',
      metadata: { routed_by: 'auto', pipeline_slug: 'b2b-lab-enablement', total_score: 94 },
    });
    await activity(leadId, 'task_created');
    await activity(leadId, 'deal_created');

    const system = await feed({ lead_id: leadId, event_category: 'system' });
    expect(system.data.map((e) => e.event_type).sort()).toEqual(['lead_routed', 'task_created']);
    expect(system.total).toBe(2);
    const crm = await feed({ lead_id: leadId, source: CRM_ACTIVITY_SOURCE });
    expect(crm.data.map((e) => e.event_type).sort()).toEqual([
      'deal_created',
      'lead_created',
      'lead_routed',
      'task_created',
    ]);
    const producer = await feed({ lead_id: leadId, source: 'website' });
    expect(producer.data.map((e) => e.id)).toEqual([producerEventId]);
    const all = await feed({ lead_id: leadId });
    expect(all.total).toBe(5);
    // The whole feed filters the same way.
    const everyCrmRow = await feed({ source: CRM_ACTIVITY_SOURCE, event_category: 'system' });
    expect(everyCrmRow.data.length).toBeGreaterThanOrEqual(3);
    expect(everyCrmRow.data.every((e) => e.source === 'crm' && e.event_category === 'system')).toBe(true);
  });

  it("records a MOCO invoice paid (api.md §15.5) as an activity of the deal's lead", async () => {
    const lead = await createLead({ email: `paid.${unique()}@lab.example` });
    const dealId = randomUUID();
    const envelope: MessageEnvelope<MocoInvoicePaidV1> = {
      id: randomUUID(),
      type: Subjects.MocoInvoicePaid,
      occurred_at: new Date().toISOString(),
      producer: 'moco',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: null,
      data: {
        deal_id: dealId,
        lead_id: lead.id,
        moco_invoice_id: 4711,
        identifier: 'R2612-001',
        gross_total: 119,
        currency: 'EUR',
        paid_at: '2026-12-03T10:00:00.000Z',
      },
    };
    await app.redeliver(Subjects.MocoInvoicePaid, envelope);
    const [row] = await activity(lead.id, 'invoice_paid');
    expect(row).toMatchObject({
      event_category: 'activity',
      source: CRM_ACTIVITY_SOURCE,
      occurred_at: '2026-12-03T10:00:00.000Z',
      metadata: {
        deal_id: dealId,
        moco_invoice_id: 4711,
        identifier: 'R2612-001',
        gross_total: 119,
        currency: 'EUR',
      },
    });
  });

  it('stores a redelivered domain event once', async () => {
    const lead = await createLead({ email: `again.${unique()}@lab.example` });
    const [row] = await activity(lead.id, 'lead_created');
    const envelope: MessageEnvelope<unknown> = await leadCreatedEnvelope(lead.id);

    // Delivered anew after the inbox forgot it: only the row's own key stops a duplicate.
    await forgetHandled(envelope);
    await app.redeliver(Subjects.LeadCreated, envelope);
    await app.waitHandled(Subjects.LeadCreated, envelope.id);
    // And again while the inbox still knows it.
    await app.redeliver(Subjects.LeadCreated, envelope);
    await waitFor(
      async () => {
        const [{ n }] = await app.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM leads.processed_message
            WHERE consumer = 'leads-activity-lead-created' AND message_id = $1`,
          [envelope.id],
        );
        const [info] = await app.sql<{ n: number }>(`SELECT count(*)::int AS n FROM leads.dead_letter`);
        return n === 1 && info.n === 0;
      },
      { message: 'redelivery handled' },
    );
    const rows = await app.sql('SELECT id FROM leads.lead_events WHERE event_id = $1', [row.id]);
    expect(rows).toHaveLength(1);
    expect((await crmRowsOf(lead.id)).filter((e) => e.event_type === 'lead_created')).toHaveLength(1);
  });

  it('is never scored, announces nothing to scoring, and leaves last_activity and attribution alone', async () => {
    const email = `quiet.${unique()}@lab-${unique()}.example`;
    const visited = new Date(Date.now() - 2 * 3600_000).toISOString();
    const { id: leadId, producerEventId } = await ingestedLead(email, visited);
    const before = await app.call<LeadView>(Queries.LeadsGetLead, { id: leadId });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: leadId, pipeline_id: pipeline('research-lab').id },
    });
    const [dealCreated] = await activity(leadId, 'deal_created');
    await activity(leadId, 'lead_created');
    expect(dealCreated.metadata.deal_id).toBe(deal.id);

    // A score naming an activity row (scoring never sends one) attaches no points to it.
    await b2bScore(leadId, dealCreated.id);
    await activity(leadId, 'lead_routed');
    const rows = await feed({ lead_id: leadId, source: CRM_ACTIVITY_SOURCE });
    expect(rows.data.every((e) => e.score_points === null)).toBe(true);
    expect(
      await app.sql('SELECT 1 FROM leads.lead_event_scores WHERE event_id = ANY($1::uuid[])', [
        rows.data.map((e) => e.id),
      ]),
    ).toEqual([]);

    await app.outboxDrained();
    const recorded = (
      await app.streamMessages<LeadEventRecordedV1>('LEADS', Subjects.LeadEventRecorded)
    ).filter((m) => m.data.lead_id === leadId);
    expect(recorded.map((m) => m.data.event_id)).toEqual([producerEventId]);

    const after = await app.call<LeadView>(Queries.LeadsGetLead, { id: leadId });
    expect(after.last_activity).toBe(visited);
    expect(after).toMatchObject({
      last_activity: before.last_activity,
      first_touch_source: before.first_touch_source,
      first_touch_date: before.first_touch_date,
      last_touch_source: before.last_touch_source,
      last_touch_date: before.last_touch_date,
    });
  });

  it("shows the rows on the lead's timeline as activities", async () => {
    const lead = await createLead({ email: `timeline.${unique()}@lab.example` });
    await app.call<{ data: TaskView }>(Queries.LeadsCreateTask, {
      actor: USER,
      body: { lead_id: lead.id, title: 'Send the brochure' },
    });
    await activity(lead.id, 'task_created');
    await activity(lead.id, 'lead_created');

    const timeline = await app.call<{ data: TimelineItemView[] }>(Queries.LeadsLeadTimeline, { id: lead.id });
    const activities = timeline.data.filter((i) => i.timeline_type === 'activity');
    expect(activities.map((i) => i.event_type).sort()).toEqual(['lead_created', 'task_created']);
    expect(activities.find((i) => i.event_type === 'task_created')).toMatchObject({
      source: 'crm',
      event_category: 'activity',
      metadata: { title: 'Send the brochure' },
    });
    expect(timeline.data.filter((i) => i.timeline_type === 'task')).toHaveLength(1);
  });

  it('is erased with the lead, and a late domain event does not bring it back', async () => {
    const lead = await createLead({ email: `erase.${unique()}@lab.example`, first_name: 'Grace' });
    await activity(lead.id, 'lead_created');
    const envelope: MessageEnvelope<unknown> = await leadCreatedEnvelope(lead.id);

    const erasure = await app.call<{ services: { leads: { deleted_records: Record<string, number> } } }>(
      Queries.LeadsEraseLead,
      { actor: USER, lead_id: lead.id },
    );
    expect(erasure.services.leads.deleted_records.events).toBeGreaterThanOrEqual(1);
    expect(await app.sql('SELECT 1 FROM leads.lead_events WHERE lead_id = $1', [lead.id])).toEqual([]);

    await forgetHandled(envelope);
    await app.redeliver(Subjects.LeadCreated, envelope);
    await app.waitHandled(Subjects.LeadCreated, envelope.id);
    expect(await app.sql('SELECT 1 FROM leads.lead_events WHERE lead_id = $1', [lead.id])).toEqual([]);
  });

  it('leaves no row when the domain event is handled while its lead is being erased', async () => {
    const lead = await createLead({ email: `racing.${unique()}@lab.example` });
    await activity(lead.id, 'lead_created');
    const envelope: MessageEnvelope<unknown> = await leadCreatedEnvelope(lead.id);
    await forgetHandled(envelope);
    await app.sql('DELETE FROM leads.lead_events WHERE lead_id = $1', [lead.id]);

    // An erasure in flight, as GdprService runs it: the lead locked FOR UPDATE, its events deleted, the erasure
    // recorded; the redelivered event arrives meanwhile and must wait for it.
    const erasure = new Client({ connectionString: process.env.DATABASE_URL });
    await erasure.connect();
    try {
      await erasure.query('BEGIN');
      await erasure.query('SELECT id FROM leads.leads WHERE id = $1 FOR UPDATE', [lead.id]);
      await app.redeliver(Subjects.LeadCreated, envelope);
      await waitFor(
        async () =>
          (
            await app.sql(
              `SELECT 1 FROM pg_stat_activity
                WHERE datname = $1 AND application_name = 'leads' AND wait_event_type = 'Lock'`,
              [app.databaseName],
            )
          ).length > 0,
        { message: 'the activity consumer waits for the lead being erased' },
      );
      await erasure.query('DELETE FROM leads.lead_events WHERE lead_id = $1', [lead.id]);
      await erasure.query(
        `INSERT INTO leads.erasures (id, lead_id, anonymized_email, services, requested_at)
         VALUES (gen_random_uuid(), $1, 'deleted_x@anonymized.local', '{}'::jsonb, now())`,
        [lead.id],
      );
      await erasure.query('COMMIT');
    } finally {
      await erasure.end();
    }
    await app.waitHandled(Subjects.LeadCreated, envelope.id);
    expect(await app.sql('SELECT 1 FROM leads.lead_events WHERE lead_id = $1', [lead.id])).toEqual([]);
  });
});

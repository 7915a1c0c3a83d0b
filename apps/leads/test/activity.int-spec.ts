import { randomUUID } from 'node:crypto';
import {
  Queries,
  type DealView,
  type EventView,
  type PipelineView,
  type StageView,
  type TimelineItemView,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

describe('leads: event feed and lead timeline (api.md §4.3, §5, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  let leadId: string;
  const email = `feed.${randomUUID().slice(0, 8)}@lab.example`;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
  /** CRM activity rows (§4.3) are written asynchronously: wait until the lead's rows of these types are in. */
  const crmRows = (...types: string[]) =>
    waitFor(
      async () => {
        const { data } = await app.call<{ data: EventView[] }>(Queries.LeadsListEvents, {
          lead_id: leadId,
          source: 'crm',
        });
        return types.every((type) => data.some((e) => e.event_type === type)) && data;
      },
      { message: `CRM rows ${types.join(', ')} in the feed` },
    );

  beforeAll(async () => {
    await app.start();
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email },
        occurred_at: at(30),
        metadata: { page_path: '/pricing' },
        utm_source: 'linkedin',
      }),
    );
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email },
        event_type: 'demo_requested',
        source: 'portal',
        occurred_at: at(20),
      }),
    );
    [{ id: leadId }] = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE email = $1`, [email]);
    await crmRows('lead_created');
  });
  afterAll(() => app.stop());

  it("lists events newest first with their lead, filtered and paged; a lead's events 404 for an unknown lead", async () => {
    const all = await app.call<{ data: EventView[]; total: number }>(Queries.LeadsListEvents, {
      lead_id: leadId,
    });
    expect(all.total).toBe(3);
    // The lead was created (now) after the events it was created from had occurred.
    expect(all.data.map((e) => e.event_type)).toEqual(['lead_created', 'demo_requested', 'page_visited']);
    expect(all.data[2]).toEqual({
      id: expect.any(String),
      lead_id: leadId,
      event_type: 'page_visited',
      event_category: null,
      source: 'website',
      occurred_at: expect.any(String),
      received_at: expect.any(String),
      metadata: { page_path: '/pricing' },
      correlation_id: expect.any(String),
      campaign_id: null,
      utm_source: 'linkedin',
      utm_medium: null,
      utm_campaign: null,
      score_points: null,
      score_category: null,
      processed_at: expect.any(String),
      created_at: expect.any(String),
      lead: { id: leadId, email, first_name: null, last_name: null },
    });
    const portal = await app.call<{ data: EventView[]; total: number }>(Queries.LeadsListEvents, {
      lead_id: leadId,
      source: 'portal',
    });
    expect(portal.data.map((e) => e.event_type)).toEqual(['demo_requested']);
    const older = await app.call<{ data: EventView[] }>(Queries.LeadsListEvents, {
      lead_id: leadId,
      occurred_before: at(25),
    });
    expect(older.data.map((e) => e.event_type)).toEqual(['page_visited']);
    const third = await app.call<{ data: EventView[]; total: number }>(Queries.LeadsLeadEvents, {
      lead_id: leadId,
      limit: 1,
      offset: 2,
    });
    expect(third).toMatchObject({ total: 3, data: [{ event_type: 'page_visited' }] });
    expect(await app.request(Queries.LeadsLeadEvents, { lead_id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await app.request(Queries.LeadsListEvents, { limit: 101 })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });

  it("merges activities, tasks and stage changes into the lead's timeline, newest first", async () => {
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    const pipeline = pipelines.find((p) => p.slug === 'research-lab')!;
    const stages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: pipeline.id })).data;
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: leadId, pipeline_id: pipeline.id },
    });
    await app.call(Queries.LeadsMoveDeal, {
      actor: USER,
      deal_id: deal.id,
      body: { stage_id: stages[1].id },
    });
    await app.call(Queries.LeadsCreateTask, { actor: USER, body: { lead_id: leadId, title: 'Call Ada' } });
    await crmRows('deal_created', 'deal_stage_changed', 'task_created');

    const timeline = await app.call<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }>(
      Queries.LeadsLeadTimeline,
      { id: leadId },
    );
    // Two producer events and four CRM activity rows (lead and deal created, deal moved, task created).
    expect(timeline.meta).toEqual({ lead_id: leadId, count: 9 });
    expect(timeline.data.map((i) => i.timeline_type).sort()).toEqual([
      'activity',
      'activity',
      'activity',
      'activity',
      'activity',
      'activity',
      'stage_change',
      'stage_change',
      'task',
    ]);
    const times = timeline.data.map((i) => i.created_at);
    expect(times).toEqual([...times].sort().reverse());
    expect(timeline.data.find((i) => i.timeline_type === 'task')).toMatchObject({
      title: 'Call Ada',
      status: 'open',
    });
    expect(timeline.data.filter((i) => i.timeline_type === 'stage_change').map((i) => i.reason)).toEqual([
      'move',
      'created',
    ]);
    expect(await app.request(Queries.LeadsLeadTimeline, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });
});

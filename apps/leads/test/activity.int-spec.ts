import { randomUUID } from 'node:crypto';
import {
  Queries,
  type DealView,
  type EventView,
  type PipelineView,
  type StageView,
  type TimelineItemView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

describe('leads: event feed and lead timeline (api.md §4.3, §5, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  let leadId: string;
  const email = `feed.${randomUUID().slice(0, 8)}@lab.example`;
  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

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
  });
  afterAll(() => app.stop());

  it("lists events newest first with their lead, filtered and paged; a lead's events 404 for an unknown lead", async () => {
    const all = await app.call<{ data: EventView[]; total: number }>(Queries.LeadsListEvents, {
      lead_id: leadId,
    });
    expect(all.total).toBe(2);
    expect(all.data.map((e) => e.event_type)).toEqual(['demo_requested', 'page_visited']);
    expect(all.data[1]).toEqual({
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
    const second = await app.call<{ data: EventView[]; total: number }>(Queries.LeadsLeadEvents, {
      lead_id: leadId,
      limit: 1,
      offset: 1,
    });
    expect(second).toMatchObject({ total: 2, data: [{ event_type: 'page_visited' }] });
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

    const timeline = await app.call<{ data: TimelineItemView[]; meta: { lead_id: string; count: number } }>(
      Queries.LeadsLeadTimeline,
      { id: leadId },
    );
    expect(timeline.meta).toEqual({ lead_id: leadId, count: 5 });
    expect(timeline.data.map((i) => i.timeline_type).sort()).toEqual([
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

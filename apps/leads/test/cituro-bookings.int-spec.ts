import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type BookingRecordedV1,
  type CituroBookingEventV1,
  type DealView,
  type LeadView,
  type MessageEnvelope,
  type Page,
  type PipelineView,
  type StageHistoryView,
  type StageView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user' as const, id: randomUUID(), name: 'Anna Admin' };

/** api.md §15.4: what leads does with the bookings the cituro service reports. */
describe('leads: Cituro bookings move the deal and create tasks', () => {
  const app = new LeadsTestApp();
  let b2b: PipelineView;
  let b2bStages: StageView[];

  beforeAll(async () => {
    await app.start();
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    b2b = pipelines.find((p) => p.slug === 'b2b-lab-enablement')!;
    b2bStages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: b2b.id })).data;
  });
  afterAll(() => app.stop());

  async function leadWithDeal(): Promise<{ lead: LeadView; deal: DealView; owner: { id: string } }> {
    const email = `booker.${randomUUID().slice(0, 8)}@lab.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email }, metadata: { first_name: 'Bo' } }));
    const lead = (await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email })).data[0];
    const owner = await app.call<{ id: string; email: string }>(Queries.LeadsCreateTeamMember, {
      actor: USER,
      body: { email: `owner.${randomUUID().slice(0, 8)}@dna-me.example`, name: 'Owner', role: 'ae' },
    });
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: lead.id, pipeline_id: b2b.id, value: 1000, assigned_to: owner.email },
    });
    return { lead, deal, owner };
  }

  function bookingEvent(overrides: Partial<CituroBookingEventV1>): MessageEnvelope<CituroBookingEventV1> {
    const data: CituroBookingEventV1 = {
      event_id: randomUUID(),
      event_type: 'booking.created',
      booking_id: randomUUID(),
      customer_id: 'c'.repeat(32),
      email: null,
      lead_id: null,
      appointment: { startDate: '2026-12-10T10:00:00' },
      booking_stage_by_pipeline: {},
      received_at: new Date().toISOString(),
      ...overrides,
    };
    return {
      id: randomUUID(),
      type:
        data.event_type === 'booking.created'
          ? Subjects.CituroBookingCreated
          : Subjects.CituroBookingCanceled,
      occurred_at: new Date().toISOString(),
      producer: 'cituro',
      correlation_id: randomUUID(),
      causation_id: null,
      idempotency_key: `cituro.booking:${data.event_id}`,
      data,
    };
  }

  const tasksOf = (dealId: string) =>
    app.sql<{ title: string; assigned_to_id: string | null; deal_id: string }>(
      'SELECT title, assigned_to_id, deal_id FROM leads.tasks WHERE deal_id = $1',
      [dealId],
    );

  it('booking.created, matched by the customer’s email, moves the open deal (reason booking) and creates one task, once', async () => {
    const { lead, deal, owner } = await leadWithDeal();
    const target = b2bStages.find((s) => s.stage_type === 'evaluation')!;
    expect(target.id).not.toBe(deal.stage_id);
    const envelope = bookingEvent({
      email: lead.email!.toUpperCase(),
      booking_stage_by_pipeline: { [b2b.id]: target.id },
    });
    await app.redeliver(Subjects.CituroBookingCreated, envelope);
    await app.waitHandled(Subjects.CituroBookingCreated, envelope.id);
    // The same event again (a redelivery): handled once by the inbox.
    await app.redeliver(Subjects.CituroBookingCreated, envelope);
    await app.waitHandled(Subjects.CituroBookingCreated, envelope.id);

    const moved = await app.call<DealView>(Queries.LeadsGetDeal, { id: deal.id });
    expect(moved.stage_id).toBe(target.id);
    const history = (await app.call<{ data: StageHistoryView[] }>(Queries.LeadsDealHistory, { id: deal.id }))
      .data;
    expect(history.filter((h) => h.reason === 'booking')).toHaveLength(1);
    expect(history.find((h) => h.reason === 'booking')).toMatchObject({ to_stage_id: target.id });
    expect(await tasksOf(deal.id)).toEqual([
      { title: 'Meeting booked via Cituro', assigned_to_id: owner.id, deal_id: deal.id },
    ]);
    // api.md §19 booking.created, once, for integrators.
    await app.outboxDrained();
    const published = (await app.streamMessages<BookingRecordedV1>('LEADS', Subjects.BookingCreated)).filter(
      (m) => m.data.cituro_event_id === envelope.data.event_id,
    );
    expect(published.map((m) => m.data)).toEqual([
      {
        booking_id: envelope.data.booking_id,
        lead_id: lead.id,
        deal_id: deal.id,
        customer_email: lead.email!.toUpperCase(),
        starts_at: '2026-12-10T10:00:00',
        duration_minutes: null,
        service_id: null,
        cituro_event_id: envelope.data.event_id,
      },
    ]);
  });

  it('a configured stage of another pipeline moves nothing, and the booking still gets its task', async () => {
    const { lead, deal } = await leadWithDeal();
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    const other = pipelines.find((p) => p.id !== b2b.id)!;
    const [otherStage] = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: other.id }))
      .data;
    const envelope = bookingEvent({
      lead_id: lead.id,
      booking_stage_by_pipeline: { [b2b.id]: otherStage.id },
    });
    await app.redeliver(Subjects.CituroBookingCreated, envelope);
    await app.waitHandled(Subjects.CituroBookingCreated, envelope.id);
    expect((await app.call<DealView>(Queries.LeadsGetDeal, { id: deal.id })).stage_id).toBe(deal.stage_id);
    expect((await tasksOf(deal.id)).map((t) => t.title)).toEqual(['Meeting booked via Cituro']);
  });

  it('booking.canceled creates a task for the owner and leaves the deal where it is', async () => {
    const { lead, deal, owner } = await leadWithDeal();
    const envelope = bookingEvent({ event_type: 'booking.canceled', lead_id: lead.id });
    await app.redeliver(Subjects.CituroBookingCanceled, envelope);
    await app.waitHandled(Subjects.CituroBookingCanceled, envelope.id);
    expect((await app.call<DealView>(Queries.LeadsGetDeal, { id: deal.id })).stage_id).toBe(deal.stage_id);
    expect(await tasksOf(deal.id)).toEqual([
      { title: 'Cituro booking canceled', assigned_to_id: owner.id, deal_id: deal.id },
    ]);
  });

  it('a booking of an unknown person changes nothing', async () => {
    const envelope = bookingEvent({ email: `nobody.${randomUUID()}@example.com` });
    const [{ n: before }] = await app.sql<{ n: number }>('SELECT count(*)::int AS n FROM leads.tasks');
    await app.redeliver(Subjects.CituroBookingCreated, envelope);
    await app.waitHandled(Subjects.CituroBookingCreated, envelope.id);
    const [{ n: after }] = await app.sql<{ n: number }>('SELECT count(*)::int AS n FROM leads.tasks');
    expect(after).toBe(before);
  });
});

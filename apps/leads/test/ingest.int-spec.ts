import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type LeadEventRecordedV1,
  type LeadIntentV1,
  type LeadScoredV1,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { LeadsTestApp } from './support/leads-test-app';

interface LeadRow {
  id: string;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  phone: string | null;
  job_title: string | null;
  organization_id: string | null;
  waalaxy_id: string | null;
  lemlist_id: string | null;
  portal_id: string | null;
  first_touch_source: string | null;
  first_touch_campaign: string | null;
  first_touch_date: Date | null;
  last_touch_source: string | null;
  last_touch_campaign: string | null;
  last_touch_date: Date | null;
  last_activity: Date | null;
  total_score: number;
  engagement_score: number;
  score_tier: string;
  score_version: number;
}

describe('leads: ingest events → identity, organizations, event log, attribution', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const leadsWhere = (clause: string, params: unknown[]) =>
    app.sql<LeadRow>(`SELECT * FROM leads.leads WHERE ${clause} ORDER BY created_at`, params);

  const recordedFor = async (eventId: string) => {
    await app.outboxDrained();
    const messages = await app.streamMessages<LeadEventRecordedV1>('LEADS', Subjects.LeadEventRecorded);
    return messages.filter((m) => m.data.event_id === eventId);
  };

  it('creates a new lead from an email, with profile, event row and one recorded event for scoring', async () => {
    const email = `Jane.Doe.${unique()}@Acme-Bio.example`;
    const event = app.ingestEvent({
      event_type: 'demo_requested',
      source: 'portal',
      occurred_at: '2025-05-01T10:00:00+02:00',
      lead_identifier: { email },
      metadata: { first_name: 'Jane', last_name: 'Doe', job_title: 'Head of Lab', page_path: '/demo' },
      campaign_id: 'spring-25',
    });
    const envelope = await app.ingest(event);

    const [lead] = await leadsWhere('lower(email) = $1', [email.toLowerCase()]);
    expect(lead).toMatchObject({
      email: email.toLowerCase(),
      first_name: 'Jane',
      last_name: 'Doe',
      job_title: 'Head of Lab',
      first_touch_source: 'portal',
      first_touch_campaign: 'spring-25',
      last_touch_source: 'portal',
    });
    expect(lead.first_touch_date?.toISOString()).toBe('2025-05-01T08:00:00.000Z');
    expect(lead.last_activity?.toISOString()).toBe('2025-05-01T08:00:00.000Z');

    const rows = await app.sql<{
      lead_id: string;
      event_type: string;
      source: string;
      correlation_id: string;
      campaign_id: string;
    }>(
      'SELECT lead_id, event_type, source, correlation_id, campaign_id FROM leads.lead_events WHERE event_id = $1',
      [event.event_id],
    );
    expect(rows).toEqual([
      {
        lead_id: lead.id,
        event_type: 'demo_requested',
        source: 'portal',
        correlation_id: envelope.correlation_id,
        campaign_id: 'spring-25',
      },
    ]);

    const recorded = await recordedFor(event.event_id);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({
      type: Subjects.LeadEventRecorded,
      producer: 'leads',
      correlation_id: envelope.correlation_id,
      causation_id: envelope.id,
      data: {
        event_id: event.event_id,
        lead_id: lead.id,
        lead_created: true,
        event_type: 'demo_requested',
        source: 'portal',
        occurred_at: '2025-05-01T08:00:00.000Z',
        campaign_id: 'spring-25',
        metadata: event.metadata,
      },
    });
  });

  it('matches an existing lead by email case-insensitively', async () => {
    const email = `case.${unique()}@lab.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const second = app.ingestEvent({ lead_identifier: { email: email.toUpperCase() } });
    await app.ingest(second);

    const leads = await leadsWhere('lower(email) = $1', [email]);
    expect(leads).toHaveLength(1);
    const recorded = await recordedFor(second.event_id);
    expect(recorded.map((m) => m.data)).toEqual([
      expect.objectContaining({ lead_id: leads[0].id, lead_created: false }),
    ]);
  });

  it('matches by external id, fills missing identifiers and empty fields, never overwrites', async () => {
    const waalaxyId = `wx-${unique()}`;
    await app.ingest(
      app.ingestEvent({
        source: 'waalaxy',
        event_type: 'linkedin_connection_accepted',
        lead_identifier: { waalaxy_id: waalaxyId },
        metadata: { first_name: 'Jane', job_title: 'Scientist' },
      }),
    );
    const [created] = await leadsWhere('waalaxy_id = $1', [waalaxyId]);
    expect(created).toMatchObject({
      email: null,
      first_name: 'Jane',
      last_name: null,
      job_title: 'Scientist',
    });

    const email = `jane.${unique()}@lab.example`;
    const lemlistId = `lm-${unique()}`;
    await app.ingest(
      app.ingestEvent({
        source: 'lemlist',
        event_type: 'email_opened',
        lead_identifier: { email, waalaxy_id: waalaxyId, lemlist_id: lemlistId },
        metadata: { first_name: 'Janet', last_name: 'Doe', job_title: 'CSO', phone: '+49 30 1234' },
      }),
    );

    const leads = await leadsWhere('waalaxy_id = $1 OR lower(email) = $2 OR lemlist_id = $3', [
      waalaxyId,
      email,
      lemlistId,
    ]);
    expect(leads).toHaveLength(1);
    expect(leads[0]).toMatchObject({
      id: created.id,
      email,
      lemlist_id: lemlistId,
      first_name: 'Jane',
      last_name: 'Doe',
      job_title: 'Scientist',
      phone: '+49 30 1234',
    });
  });

  it('a known external id with a new email keeps the lead and its email', async () => {
    const portalId = `portal-${unique()}`;
    const original = `first.${unique()}@lab.example`;
    await app.ingest(
      app.ingestEvent({ source: 'portal', lead_identifier: { email: original, portal_id: portalId } }),
    );

    const changed = app.ingestEvent({
      source: 'portal',
      lead_identifier: { email: `changed.${unique()}@lab.example`, portal_id: portalId },
    });
    await app.ingest(changed);

    const leads = await leadsWhere('portal_id = $1', [portalId]);
    expect(leads).toHaveLength(1);
    expect(leads[0].email).toBe(original);
    expect((await recordedFor(changed.event_id))[0].data).toMatchObject({
      lead_id: leads[0].id,
      lead_created: false,
    });
  });

  it("does not steal another lead's identifiers: email wins, the other lead keeps its external id", async () => {
    const emailOwner = `owner.${unique()}@lab.example`;
    const waalaxyId = `wx-${unique()}`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email: emailOwner } }));
    await app.ingest(app.ingestEvent({ source: 'waalaxy', lead_identifier: { waalaxy_id: waalaxyId } }));

    const mixed = app.ingestEvent({
      source: 'waalaxy',
      lead_identifier: { email: emailOwner, waalaxy_id: waalaxyId },
    });
    await app.ingest(mixed);

    const [owner] = await leadsWhere('lower(email) = $1', [emailOwner]);
    const [other] = await leadsWhere('waalaxy_id = $1', [waalaxyId]);
    expect(owner.id).not.toBe(other.id);
    expect(owner.waalaxy_id).toBeNull();
    expect(other.email).toBeNull();
    expect((await recordedFor(mixed.event_id))[0].data.lead_id).toBe(owner.id);
  });

  it('stores and announces the same (source, event_id) once, even in two different envelopes', async () => {
    const email = `dup.${unique()}@lab.example`;
    const event = app.ingestEvent({
      event_type: 'email_clicked',
      source: 'lemlist',
      lead_identifier: { email },
    });
    await app.ingest(event);
    // A producer retry after JetStream's dedupe window: same event, new envelope id.
    await app.ingest({ ...event, received_at: new Date().toISOString() });

    const rows = await app.sql('SELECT id FROM leads.lead_events WHERE source = $1 AND event_id = $2', [
      'lemlist',
      event.event_id,
    ]);
    expect(rows).toHaveLength(1);
    expect(await recordedFor(event.event_id)).toHaveLength(1);
    expect(await leadsWhere('lower(email) = $1', [email])).toHaveLength(1);
  });

  it('attributes first and last touch by event time, whatever the arrival order', async () => {
    const email = `touch.${unique()}@lab.example`;
    const send = (
      source: 'ads' | 'website' | 'lemlist' | 'conference',
      occurredAt: string,
      campaign: string,
    ) =>
      app.ingest(
        app.ingestEvent({
          source,
          occurred_at: occurredAt,
          campaign_id: campaign,
          lead_identifier: { email },
        }),
      );

    await send('ads', '2025-03-10T12:00:00.000Z', 'second');
    await send('website', '2025-03-01T12:00:00.000Z', 'first');
    await send('lemlist', '2025-03-20T12:00:00.000Z', 'last');
    await send('conference', '2025-03-15T12:00:00.000Z', 'middle');

    const [lead] = await leadsWhere('lower(email) = $1', [email]);
    expect(lead).toMatchObject({
      first_touch_source: 'website',
      first_touch_campaign: 'first',
      last_touch_source: 'lemlist',
      last_touch_campaign: 'last',
    });
    expect(lead.first_touch_date?.toISOString()).toBe('2025-03-01T12:00:00.000Z');
    expect(lead.last_touch_date?.toISOString()).toBe('2025-03-20T12:00:00.000Z');
    expect(lead.last_activity?.toISOString()).toBe('2025-03-20T12:00:00.000Z');
  });

  it('creates an organization from a corporate domain, reuses it, and never from free mail', async () => {
    const domain = `acme-${unique()}.example`;
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email: `jane@${domain}` },
        metadata: { company_name: 'Acme Bio GmbH', industry: 'Biotech', country: 'de' },
      }),
    );
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email: `bob@${domain}` },
        metadata: { company_size: '51-200', industry: 'Pharma' },
      }),
    );

    const orgs = await app.sql<{
      id: string;
      name: string;
      domain: string;
      industry: string;
      company_size: string;
      country: string;
    }>(
      'SELECT id, name, domain, industry, company_size, country FROM leads.organizations WHERE domain = $1',
      [domain],
    );
    expect(orgs).toEqual([
      {
        id: expect.any(String),
        name: 'Acme Bio GmbH',
        domain,
        industry: 'Biotech',
        company_size: '51-200',
        country: 'DE',
      },
    ]);
    const members = await leadsWhere('lower(email) = ANY($1)', [[`jane@${domain}`, `bob@${domain}`]]);
    expect(members.map((m) => m.organization_id)).toEqual([orgs[0].id, orgs[0].id]);

    const gmailUser = `someone.${unique()}@gmail.com`;
    await app.ingest(
      app.ingestEvent({ lead_identifier: { email: gmailUser }, metadata: { industry: 'Biotech' } }),
    );
    const [freeMailLead] = await leadsWhere('lower(email) = $1', [gmailUser]);
    expect(freeMailLead.organization_id).toBeNull();
    expect(await app.sql("SELECT id FROM leads.organizations WHERE domain = 'gmail.com'")).toEqual([]);
  });

  it('matches an organization by company name when the email is free mail', async () => {
    const company = `Lab ${unique()} AG`;
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email: `a.${unique()}@gmail.com` },
        metadata: { company_name: company },
      }),
    );
    await app.ingest(
      app.ingestEvent({
        lead_identifier: { email: `b.${unique()}@web.de` },
        metadata: { company_name: company.toUpperCase() },
      }),
    );
    const orgs = await app.sql<{ id: string; domain: string | null }>(
      'SELECT id, domain FROM leads.organizations WHERE lower(name) = lower($1)',
      [company],
    );
    expect(orgs).toEqual([{ id: expect.any(String), domain: null }]);
    const linked = await app.sql('SELECT id FROM leads.leads WHERE organization_id = $1', [orgs[0].id]);
    expect(linked).toHaveLength(2);
  });

  it('creates exactly one lead when many events for the same new email race', async () => {
    const email = `race.${unique()}@race-lab.example`;
    const events = Array.from({ length: 12 }, (_, i) =>
      app.ingestEvent({
        lead_identifier: { email: i % 2 ? email.toUpperCase() : email },
        occurred_at: new Date(Date.UTC(2025, 0, 1 + i)).toISOString(),
        metadata: { company_name: 'Race Lab' },
      }),
    );
    const envelopes = await Promise.all(events.map((e) => app.publishIngest(e)));
    await Promise.all(envelopes.map((e) => app.waitHandled(Subjects.IngestEventReceived, e.id, 30_000)));

    const leads = await leadsWhere('lower(email) = $1', [email]);
    expect(leads).toHaveLength(1);
    const stored = await app.sql(`SELECT id FROM leads.lead_events WHERE lead_id = $1 AND source <> 'crm'`, [
      leads[0].id,
    ]);
    expect(stored).toHaveLength(12);
    expect(
      await app.sql('SELECT id FROM leads.organizations WHERE domain = $1', ['race-lab.example']),
    ).toHaveLength(1);
    expect(leads[0].first_touch_date?.toISOString()).toBe('2025-01-01T00:00:00.000Z');
    expect(leads[0].last_touch_date?.toISOString()).toBe('2025-01-12T00:00:00.000Z');
    expect(await app.sql('SELECT id FROM leads.dead_letter')).toEqual([]);
  });

  it('applies a score only when its version is newer, and records the points of the event', async () => {
    const email = `score.${unique()}@lab.example`;
    const event = app.ingestEvent({ lead_identifier: { email } });
    await app.ingest(event);
    const [lead] = await leadsWhere('lower(email) = $1', [email]);
    const score = (version: number, total: number) => ({
      lead_id: lead.id,
      version,
      scores: { demographic: 0, engagement: total, behavior: 0, total },
      previous_total: 0,
      tier: total >= 40 ? ('warm' as const) : ('cold' as const),
      previous_tier: 'cold' as const,
      tier_changed: total >= 40,
      reason: 'event' as const,
      event_id: event.event_id,
      points_applied: 2,
      scored_at: new Date().toISOString(),
    });

    await app.score(score(2, 45));
    await app.score(score(1, 10)); // older, delivered late
    const [after] = await leadsWhere('id = $1', [lead.id]);
    expect(after).toMatchObject({
      total_score: 45,
      engagement_score: 45,
      score_tier: 'warm',
      score_version: 2,
    });

    await app.score(score(3, 12));
    await waitFor(async () => (await leadsWhere('id = $1', [lead.id]))[0].score_version === 3);
    expect((await leadsWhere('id = $1', [lead.id]))[0]).toMatchObject({
      total_score: 12,
      score_tier: 'cold',
    });
    expect(
      await app.sql('SELECT points FROM leads.lead_event_scores WHERE event_id = $1', [event.event_id]),
    ).toEqual([{ points: 2 }]);
  });

  it('takes the intent a score carries onto the lead; a score without intent leaves it as it is', async () => {
    const email = `intent.${unique()}@lab.example`;
    const event = app.ingestEvent({ lead_identifier: { email } });
    await app.ingest(event);
    const [lead] = await leadsWhere('lower(email) = $1', [email]);
    const score = (version: number, intent?: LeadIntentV1): LeadScoredV1 => ({
      lead_id: lead.id,
      version,
      scores: { demographic: 0, engagement: version, behavior: 0, total: version },
      previous_total: 0,
      tier: 'cold' as const,
      previous_tier: 'cold' as const,
      tier_changed: false,
      reason: 'event' as const,
      event_id: null,
      points_applied: 0,
      scored_at: new Date().toISOString(),
      ...(intent ? { intent } : {}),
    });
    const intentOf = async () =>
      (
        await app.sql<{
          primary_intent: string | null;
          intent_confidence: number | null;
          intent_summary: object;
        }>('SELECT primary_intent, intent_confidence, intent_summary FROM leads.leads WHERE id = $1', [
          lead.id,
        ])
      )[0];

    await app.score(
      score(1, {
        primary_intent: 'b2b',
        intent_confidence: 100,
        intent_summary: { research: 0, b2b: 110, co_creation: 0 },
        conflict: false,
      }),
    );
    expect(await intentOf()).toEqual({
      primary_intent: 'b2b',
      intent_confidence: 100,
      intent_summary: { research: 0, b2b: 110, co_creation: 0 },
    });
    await app.score(score(2));
    expect(await intentOf()).toMatchObject({ primary_intent: 'b2b', intent_confidence: 100 });
    const listed = await app.call(Queries.LeadsGetLead, { id: lead.id });
    expect(listed).toMatchObject({
      primary_intent: 'b2b',
      intent_confidence: 100,
      intent_summary: { b2b: 110 },
    });
  });
});

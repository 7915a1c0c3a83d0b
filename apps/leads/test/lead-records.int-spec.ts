import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type LeadCreatedV1,
  type LeadProfileChangedV1,
  type LeadUpdatedV1,
  type LeadView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

describe('leads: create and edit leads (api.md §5 POST, PATCH; real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const create = (body: Record<string, unknown>) =>
    app.request<LeadView>(Queries.LeadsCreateLead, { actor: USER, body });
  const update = (id: string, body: Record<string, unknown>) =>
    app.request<LeadView>(Queries.LeadsUpdateLead, { actor: USER, id, body });
  const messagesAbout = async <T extends { lead_id: string }>(
    subject: (typeof Subjects)[keyof typeof Subjects],
    leadId: string,
  ) => {
    await app.outboxDrained();
    return (await app.streamMessages<T>('LEADS', subject)).filter((m) => m.data.lead_id === leadId);
  };

  it('creates a lead: email lowercase, defaults, the organization of its corporate domain; announces its profile and lead.created', async () => {
    const domain = `genomics-${unique()}.example`;
    const reply = await create({
      email: `  Anna.Schmidt@${domain.toUpperCase()} `.trim(),
      first_name: 'Anna',
      last_name: 'Schmidt',
      job_title: 'Head of Sequencing',
      linkedin_url: `https://www.linkedin.com/in/anna-${unique()}/`,
      first_touch_source: 'conference_booth_berlin',
      first_touch_campaign: 'ASHG 2026',
      consent_date: '2026-11-30',
      consent_source: 'booth form',
      metadata: { badge: 42 },
    });
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    const lead = reply.data;
    expect(lead).toMatchObject({
      email: `anna.schmidt@${domain}`,
      first_name: 'Anna',
      last_name: 'Schmidt',
      phone: null,
      job_title: 'Head of Sequencing',
      organization_name: domain,
      status: 'new',
      lifecycle_stage: 'lead',
      total_score: 0,
      score_tier: 'cold',
      routing_status: 'unrouted',
      intent_summary: { research: 0, b2b: 0, co_creation: 0 },
      first_touch_source: 'conference_booth_berlin',
      first_touch_campaign: 'ASHG 2026',
      first_touch_date: expect.any(String),
      consent_date: '2026-11-30T00:00:00.000Z',
      consent_source: 'booth form',
      gdpr_delete_requested: null,
    });
    expect(lead.linkedin_url).not.toMatch(/\/$/);
    const [org] = await app.sql<{ id: string; name: string }>(
      `SELECT id, name FROM leads.organizations WHERE domain = $1`,
      [domain],
    );
    expect(lead.organization_id).toBe(org.id);

    const profiles = await messagesAbout<LeadProfileChangedV1>(Subjects.LeadProfileChanged, lead.id);
    expect(profiles.map((m) => m.data)).toEqual([
      expect.objectContaining({
        profile_version: 1,
        lead_created: true,
        profile: expect.objectContaining({
          job_title: 'Head of Sequencing',
          organization: expect.objectContaining({ domain }),
        }),
      }),
    ]);
    const created = await messagesAbout<LeadCreatedV1>(Subjects.LeadCreated, lead.id);
    expect(created.map((m) => m.data)).toEqual([
      {
        lead_id: lead.id,
        email: `anna.schmidt@${domain}`,
        first_name: 'Anna',
        last_name: 'Schmidt',
        organization_id: org.id,
        first_touch_source: 'conference_booth_berlin',
        first_touch_campaign: 'ASHG 2026',
        created_at: lead.created_at,
      },
    ]);
  });

  it('joins an existing organization of the domain, makes none for a free-mail address, and takes an explicit organization_id', async () => {
    const domain = `joined-${unique()}.example`;
    const first = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `a@${domain}` },
    });
    const second = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `b@${domain}` },
    });
    expect(second.organization_id).toBe(first.organization_id);
    const freeMail = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `private-${unique()}@gmail.com` },
    });
    expect(freeMail.organization_id).toBeNull();
    const explicit = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `c-${unique()}@gmail.com`, organization_id: first.organization_id },
    });
    expect(explicit).toMatchObject({ organization_id: first.organization_id, organization_name: domain });
    expect(await create({ email: `d-${unique()}@gmail.com`, organization_id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 400, details: { organization_id: expect.any(String) } },
    });
  });

  it('refuses a taken email (any case) or external id with 409 naming the holder, and bad input with 400 paths; nothing is written', async () => {
    const email = `taken-${unique()}@lab.example`;
    const portalId = `P-${unique()}`;
    const holder = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email, portal_id: portalId },
    });
    expect(await create({ email: email.toUpperCase() })).toMatchObject({
      ok: false,
      error: { status: 409, code: 'CONFLICT', details: { email, existing_lead_id: holder.id } },
    });
    expect(await create({ email: `other-${unique()}@lab.example`, portal_id: portalId })).toMatchObject({
      ok: false,
      error: { status: 409, details: { portal_id: portalId, existing_lead_id: holder.id } },
    });
    const invalid = await create({
      email: 'not-an-email',
      status: 'won',
      lifecycle_stage: null,
      linkedin_url: 'linkedin.com/in/x',
      first_name: 'x'.repeat(101),
    });
    expect(invalid).toMatchObject({ ok: false, error: { status: 400, code: 'VALIDATION_ERROR' } });
    const paths = (
      invalid as unknown as { error: { details: { validation_errors: { path: string }[] } } }
    ).error.details.validation_errors.map((issue) => issue.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'body.email',
        'body.status',
        'body.lifecycle_stage',
        'body.linkedin_url',
        'body.first_name',
      ]),
    );
    const [{ n }] = await app.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM leads.leads WHERE email = 'not-an-email'`,
    );
    expect(n).toBe(0);
  });

  it('ingest finds a lead created over the API by its email instead of making a second one', async () => {
    const email = `api-first-${unique()}@lab.example`;
    const lead = await app.call<LeadView>(Queries.LeadsCreateLead, { actor: USER, body: { email } });
    await app.ingest(app.ingestEvent({ lead_identifier: { email: email.toUpperCase() } }));
    const rows = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE lower(email) = $1`, [email]);
    expect(rows).toEqual([{ id: lead.id }]);
  });

  it('announces lead.created for a lead ingest creates', async () => {
    const email = `ingested-${unique()}@lab.example`;
    await app.ingest(
      app.ingestEvent({ source: 'waalaxy', lead_identifier: { email }, metadata: { first_name: 'Ida' } }),
    );
    const [{ id }] = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE email = $1`, [email]);
    const created = await messagesAbout<LeadCreatedV1>(Subjects.LeadCreated, id);
    expect(created.map((m) => m.data)).toEqual([
      expect.objectContaining({ lead_id: id, email, first_name: 'Ida', first_touch_source: 'waalaxy' }),
    ]);
  });

  it('edits a lead partially: null clears, lead.updated names exactly the changed fields, a fit field re-announces the profile', async () => {
    const lead = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `edit-${unique()}@lab.example`, phone: '+49 30 1234', consent_source: 'form' },
    });
    const edited = await update(lead.id, {
      job_title: 'CTO',
      phone: null,
      status: 'qualified',
      gdpr_delete_requested: '2026-12-01T10:00:00Z',
    });
    expect(edited).toMatchObject({
      ok: true,
      data: {
        id: lead.id,
        email: lead.email,
        job_title: 'CTO',
        phone: null,
        status: 'qualified',
        consent_source: 'form',
        gdpr_delete_requested: '2026-12-01T10:00:00.000Z',
      },
    });
    const updates = await messagesAbout<LeadUpdatedV1>(Subjects.LeadUpdated, lead.id);
    expect(updates).toHaveLength(1);
    expect([...updates[0].data.changed_fields].sort()).toEqual(
      ['gdpr_delete_requested', 'job_title', 'phone', 'status'].sort(),
    );
    expect(updates[0].data.lead).toMatchObject({ job_title: 'CTO', status: 'qualified' });
    const profiles = await messagesAbout<LeadProfileChangedV1>(Subjects.LeadProfileChanged, lead.id);
    expect(profiles.map((m) => [m.data.profile_version, m.data.profile.job_title])).toEqual([
      [1, null],
      [2, 'CTO'],
    ]);

    // A field fit rules do not read: lead.updated, no new profile. The same values again: no event at all.
    await update(lead.id, { consent_source: 'call' });
    await update(lead.id, { consent_source: 'call', job_title: 'CTO' });
    expect(
      (await messagesAbout<LeadUpdatedV1>(Subjects.LeadUpdated, lead.id)).map((m) => m.data.changed_fields),
    ).toEqual([updates[0].data.changed_fields, ['consent_source']]);
    expect(await messagesAbout(Subjects.LeadProfileChanged, lead.id)).toHaveLength(2);
  });

  it('PATCH: a taken email → 409, email or status null → 400, unknown lead → 404; the lead is unchanged', async () => {
    const taken = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `holder-${unique()}@lab.example` },
    });
    const lead = await app.call<LeadView>(Queries.LeadsCreateLead, {
      actor: USER,
      body: { email: `mover-${unique()}@lab.example` },
    });
    expect(await update(lead.id, { email: taken.email!.toUpperCase(), first_name: 'X' })).toMatchObject({
      ok: false,
      error: { status: 409, details: { email: taken.email, existing_lead_id: taken.id } },
    });
    expect(await update(lead.id, { email: null })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await update(lead.id, { status: null })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await update(randomUUID(), { first_name: 'X' })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await app.call<LeadView>(Queries.LeadsGetLead, { id: lead.id })).toMatchObject({
      email: lead.email,
      first_name: null,
      updated_at: lead.updated_at,
    });
    // Its own email in another case is no conflict.
    expect(await update(lead.id, { email: lead.email!.toUpperCase() })).toMatchObject({
      ok: true,
      data: { email: lead.email },
    });
  });
});

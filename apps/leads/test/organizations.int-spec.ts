import { randomUUID } from 'node:crypto';
import {
  Queries,
  Subjects,
  type LeadProfileChangedV1,
  type OrganizationView,
  type Page,
} from '@crm/contracts';
import { waitFor } from '@crm/testing';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

describe('leads: organizations (api.md §6, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const create = (body: Record<string, unknown>) =>
    app.request<OrganizationView>(Queries.LeadsCreateOrganization, { actor: USER, body });
  const update = (id: string, body: Record<string, unknown>) =>
    app.request<OrganizationView>(Queries.LeadsUpdateOrganization, { actor: USER, id, body });

  it('creates an organization (domain without scheme, lowercase; country upper case); a taken domain is 409', async () => {
    const domain = `helix-${unique()}.example`;
    const created = await create({
      name: 'Helix Labs',
      domain: `https://www.${domain.toUpperCase()}/about`,
      country: 'de',
      company_size: '51-200',
      metadata: { tax_rate: 19 },
    });
    expect(created).toEqual({
      ok: true,
      data: {
        id: expect.any(String),
        name: 'Helix Labs',
        domain,
        industry: null,
        company_size: '51-200',
        country: 'DE',
        portal_id: null,
        moco_id: null,
        metadata: { tax_rate: 19 },
        created_at: expect.any(String),
        updated_at: expect.any(String),
      },
    });
    expect(await create({ name: 'Copy', domain })).toMatchObject({
      ok: false,
      error: { status: 409, details: { domain } },
    });
    expect(await create({ name: '' })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await create({ name: 'X', country: 'Germany' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });

  it('lists with search, filters, sorting and paging; unknown ids are 404', async () => {
    const tag = unique();
    for (const [name, industry] of [
      [`Alpha ${tag}`, 'Biotech'],
      [`Beta ${tag}`, 'Pharma'],
      [`Gamma ${tag}`, 'Biotech'],
    ]) {
      await create({ name, industry, domain: `${name.split(' ')[0].toLowerCase()}-${tag}.example` });
    }
    const page = await app.call<Page<OrganizationView>>(Queries.LeadsListOrganizations, {
      search: tag,
      industry: 'Biotech',
      sort_by: 'name',
      sort_order: 'asc',
      limit: 1,
      page: 2,
    });
    expect(page.data.map((o) => o.name)).toEqual([`Gamma ${tag}`]);
    expect(page.pagination).toMatchObject({ total: 2, page: 2, limit: 1, has_prev: true, has_next: false });
    expect(await app.request(Queries.LeadsGetOrganization, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it('re-announces the fit profile of every lead of an organization whose fit fields change, and only then', async () => {
    const domain = `fit-${unique()}.example`;
    const emails = [`a.${unique()}@${domain}`, `b.${unique()}@${domain}`];
    for (const email of emails) await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const leads = await app.sql<{ id: string; organization_id: string }>(
      `SELECT id, organization_id FROM leads.leads WHERE email = ANY($1)`,
      [emails],
    );
    const orgId = leads[0].organization_id;
    expect(new Set(leads.map((l) => l.organization_id))).toEqual(new Set([orgId]));
    const announced = async () =>
      (await app.streamMessages<LeadProfileChangedV1>('LEADS', Subjects.LeadProfileChanged)).filter((m) =>
        leads.some((l) => l.id === m.data.lead_id),
      );
    await app.outboxDrained();
    const before = (await announced()).length;

    expect(await update(orgId, { industry: 'Pharma', company_size: '201-500' })).toMatchObject({
      ok: true,
      data: { industry: 'Pharma', company_size: '201-500', domain },
    });
    await app.outboxDrained();
    const after = await waitFor(async () => {
      const found = await announced();
      return found.length === before + 2 ? found : null;
    });
    for (const message of after.slice(before)) {
      expect(message.data.profile.organization).toMatchObject({
        industry: 'Pharma',
        company_size: '201-500',
      });
    }
    // Fields fit rules do not read: no announcement.
    expect(await update(orgId, { moco_id: 'C-1', metadata: { note: 'x' } })).toMatchObject({ ok: true });
    await app.outboxDrained();
    expect(await announced()).toHaveLength(before + 2);
  });

  it('refuses to delete an organization while leads belong to it (409 with the count), and deletes an empty one', async () => {
    const domain = `busy-${unique()}.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email: `x.${unique()}@${domain}` } }));
    const [org] = await app.sql<{ id: string }>(`SELECT id FROM leads.organizations WHERE domain = $1`, [
      domain,
    ]);
    expect(await app.request(Queries.LeadsDeleteOrganization, { actor: USER, id: org.id })).toMatchObject({
      ok: false,
      error: { status: 409, details: { lead_count: 1 } },
    });
    const empty = await app.call<OrganizationView>(Queries.LeadsCreateOrganization, {
      actor: USER,
      body: { name: `Empty ${unique()}` },
    });
    expect(await app.call(Queries.LeadsDeleteOrganization, { actor: USER, id: empty.id })).toEqual({
      success: true,
    });
    expect(await app.request(Queries.LeadsGetOrganization, { id: empty.id })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });
});

import { randomUUID } from 'node:crypto';
import {
  Queries,
  type DealView,
  type LeadView,
  type Page,
  type PipelineView,
  type StageView,
  type TeamMemberView,
} from '@crm/contracts';
import { AppLogger, TransactionHost } from '@crm/service-kit';
import type { LeadsConfig } from '../src/config/leads.config';
import { DEVELOPMENT_TEAM, DevelopmentTeamSeeder } from '../src/team/development-team.seeder';
import { TeamMemberRepository } from '../src/team/team-member.repository';
import { LeadsTestApp } from './support/leads-test-app';

const ADMIN = { type: 'user', id: randomUUID(), name: 'admin@dna-me.example' };

describe('leads: team members (api.md §14, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);

  beforeAll(() => app.start());
  afterAll(() => app.stop());

  const create = (body: Record<string, unknown>) =>
    app.request<TeamMemberView>(Queries.LeadsCreateTeamMember, { actor: ADMIN, body });
  const update = (id: string, body: Record<string, unknown>) =>
    app.request<TeamMemberView>(Queries.LeadsUpdateTeamMember, { actor: ADMIN, id, body });
  const member = async (body: Record<string, unknown>) => {
    const reply = await create(body);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.data;
  };

  it('creates members with defaults; an email is unique whatever its case (409 naming the holder)', async () => {
    const email = `Lena.${unique()}@DNA-ME.example`;
    const lena = await member({ email, name: 'Lena Bauer', role: 'bdr', region: 'DACH' });
    expect(lena).toEqual({
      id: expect.any(String),
      email: email.toLowerCase(),
      name: 'Lena Bauer',
      role: 'bdr',
      region: 'DACH',
      is_active: true,
      max_leads: 50,
      current_leads: 0,
      avatar: null,
      created_at: expect.any(String),
    });
    expect(await create({ email: email.toUpperCase(), name: 'Other', role: 'ae' })).toMatchObject({
      ok: false,
      error: { status: 409, code: 'CONFLICT', details: { existing_member_id: lena.id } },
    });
    expect(await create({ email: 'not-an-email', name: 'X', role: 'owner' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });

  it('lists with filters, search and sorting (name by default), and pages', async () => {
    const tag = unique();
    await member({ email: `zed.${tag}@t.example`, name: `Zed ${tag}`, role: 'ae', max_leads: 10 });
    await member({ email: `amy.${tag}@t.example`, name: `Amy ${tag}`, role: 'ae', region: 'UK' });
    await member({ email: `bob.${tag}@t.example`, name: `Bob ${tag}`, role: 'ae', is_active: false });
    const list = (query: Record<string, unknown>) =>
      app.call<Page<TeamMemberView>>(Queries.LeadsListTeam, query);

    expect((await list({ search: tag })).data.map((m) => m.name)).toEqual([
      `Amy ${tag}`,
      `Bob ${tag}`,
      `Zed ${tag}`,
    ]);
    expect((await list({ search: tag, sort_by: 'name', sort_order: 'desc' })).data[0].name).toBe(
      `Zed ${tag}`,
    );
    expect((await list({ search: tag, is_active: 'false' })).data.map((m) => m.name)).toEqual([`Bob ${tag}`]);
    expect((await list({ search: tag, region: 'UK' })).data.map((m) => m.name)).toEqual([`Amy ${tag}`]);
    const page = await list({ search: tag, limit: 2, page: 2 });
    expect(page.data.map((m) => m.name)).toEqual([`Zed ${tag}`]);
    expect(page.pagination).toMatchObject({ total: 3, total_pages: 2, has_prev: true, has_next: false });
    expect(await app.request(Queries.LeadsListTeam, { role: 'owner' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
  });

  it('edits partially (null clears region and avatar), deactivates and activates; unknown ids are 404', async () => {
    const tag = unique();
    const max = await member({
      email: `max.${tag}@t.example`,
      name: 'Max',
      role: 'ae',
      region: 'DACH',
      avatar: 'https://a/x.png',
    });
    const edited = await update(max.id, { region: null, avatar: null, max_leads: 20, name: 'Max Fischer' });
    expect(edited).toMatchObject({
      ok: true,
      data: { region: null, avatar: null, max_leads: 20, name: 'Max Fischer', role: 'ae' },
    });
    const other = await member({ email: `other.${tag}@t.example`, name: 'Other', role: 'bdr' });
    expect(await update(max.id, { email: other.email.toUpperCase() })).toMatchObject({
      ok: false,
      error: { status: 409 },
    });
    expect(await update(max.id, { name: null })).toMatchObject({ ok: false, error: { status: 400 } });

    const off = await app.call<TeamMemberView>(Queries.LeadsDeactivateTeamMember, {
      actor: ADMIN,
      id: max.id,
    });
    expect(off.is_active).toBe(false);
    const on = await app.call<TeamMemberView>(Queries.LeadsActivateTeamMember, { actor: ADMIN, id: max.id });
    expect(on.is_active).toBe(true);
    expect(await app.request(Queries.LeadsGetTeamMember, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it('counts open deals as load: workload, stats, and no delete while the member owns open work', async () => {
    const tag = unique();
    const ae = await member({ email: `ae.${tag}@t.example`, name: `AE ${tag}`, role: 'ae', max_leads: 4 });
    const email = `lead.${tag}@lab-${tag}.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    const lead = (await app.call<Page<LeadView>>(Queries.LeadsListLeads, { search: email })).data[0];
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    const b2b = pipelines.find((p) => p.slug === 'b2b-lab-enablement')!;
    const stages = (await app.call<{ data: StageView[] }>(Queries.LeadsListStages, { id: b2b.id })).data;
    const deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: ADMIN,
      body: { lead_id: lead.id, pipeline_id: b2b.id, assigned_to: ae.id },
    });

    expect(await app.call(Queries.LeadsTeamWorkload, { id: ae.id })).toMatchObject({
      member: { id: ae.id, current_leads: 1 },
      workload: {
        current_leads: 1,
        max_leads: 4,
        available_capacity: 3,
        utilization_percentage: 25,
        open_deals: 1,
        open_tasks: 0,
      },
    });
    expect(await app.request(Queries.LeadsDeleteTeamMember, { actor: ADMIN, id: ae.id })).toMatchObject({
      ok: false,
      error: { status: 409, details: { open_deals: 1, open_tasks: 0 } },
    });
    const stats = await app.call<{ total_assigned: number; by_role: Record<string, number> }>(
      Queries.LeadsTeamStats,
      {},
    );
    expect(stats.total_assigned).toBeGreaterThanOrEqual(1);
    expect(stats.by_role.ae).toBeGreaterThanOrEqual(1);

    // Closing the deal frees the capacity.
    const won = stages.find((s) => s.stage_type === 'closed_won')!;
    await app.call(Queries.LeadsMoveDeal, { actor: ADMIN, deal_id: deal.id, body: { stage_id: won.id } });
    expect((await app.call<TeamMemberView>(Queries.LeadsGetTeamMember, { id: ae.id })).current_leads).toBe(0);
    expect(await app.call(Queries.LeadsDeleteTeamMember, { actor: ADMIN, id: ae.id })).toEqual({
      success: true,
      message: 'Team member deleted successfully',
    });
  });

  it('seeds the marked development team only under NODE_ENV=development, once', async () => {
    const seeder = (nodeEnv: string) =>
      new DevelopmentTeamSeeder(
        app.nest.get(TransactionHost),
        app.nest.get(TeamMemberRepository),
        { NODE_ENV: nodeEnv } as LeadsConfig,
        app.nest.get(AppLogger),
      );
    const seeded = () =>
      app.sql<{ email: string; role: string; region: string | null }>(
        'SELECT email, role, region FROM leads.team_members WHERE development_seed ORDER BY email',
      );
    await seeder('test').onApplicationBootstrap();
    await seeder('production').onApplicationBootstrap();
    expect(await seeded()).toEqual([]);
    await seeder('development').onApplicationBootstrap();
    await seeder('development').onApplicationBootstrap();
    const team = await seeded();
    expect(team).toHaveLength(DEVELOPMENT_TEAM.length);
    expect(
      team
        .filter((m) => m.role === 'bdr')
        .map((m) => m.region)
        .sort(),
    ).toEqual(['DACH', 'DACH', 'UK']);
    expect(team.every((m) => m.email.endsWith('@dna-me.test'))).toBe(true);
  });
});

import { randomUUID } from 'node:crypto';
import {
  Queries,
  type DealView,
  type Page,
  type PipelineView,
  type TaskStatisticsView,
  type TaskView,
  type TeamMemberView,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

const USER = { type: 'user', id: randomUUID(), name: 'lena@dna-me.example' };

describe('leads: tasks (api.md §13, real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const unique = () => randomUUID().slice(0, 8);
  let owner: TeamMemberView;
  let leadId: string;
  let deal: DealView;

  beforeAll(async () => {
    await app.start();
    owner = await app.call<TeamMemberView>(Queries.LeadsCreateTeamMember, {
      actor: USER,
      body: { email: `Owner.${unique()}@dna-me.example`, name: 'Olga Owner', role: 'ae' },
    });
    const email = `ada.${unique()}@lab.example`;
    await app.ingest(app.ingestEvent({ lead_identifier: { email } }));
    [{ id: leadId }] = await app.sql<{ id: string }>(`SELECT id FROM leads.leads WHERE email = $1`, [email]);
    const pipelines = (await app.call<{ data: PipelineView[] }>(Queries.LeadsListPipelines, {})).data;
    deal = await app.call<DealView>(Queries.LeadsCreateDeal, {
      actor: USER,
      body: { lead_id: leadId, pipeline_id: pipelines.find((p) => p.slug === 'research-lab')!.id },
    });
  });
  afterAll(() => app.stop());

  const create = (body: Record<string, unknown>) =>
    app.request<{ data: TaskView; message: string }>(Queries.LeadsCreateTask, { actor: USER, body });
  const task = async (body: Record<string, unknown>) => {
    const reply = await create(body);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.data.data;
  };
  const transition = (id: string, to: 'complete' | 'cancel' | 'reopen') =>
    app.request<{ data: TaskView }>(Queries.LeadsTransitionTask, { actor: USER, id, transition: to });

  it('creates a task of a deal (the lead taken from the deal) for a member by email, in the api.md shape', async () => {
    const due = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
    const reply = await create({
      deal_id: deal.id,
      title: 'Send the sample kit',
      task_type: 'follow_up',
      assigned_to: owner.email.toUpperCase(),
      due_date: due,
      priority: 'high',
    });
    expect(reply).toMatchObject({ ok: true, data: { message: 'Task created successfully' } });
    const created = (reply as { data: { data: TaskView } }).data.data;
    expect(created).toEqual({
      id: expect.any(String),
      lead_id: leadId,
      deal_id: deal.id,
      title: 'Send the sample kit',
      description: null,
      task_type: 'follow_up',
      assigned_to: owner.email,
      assigned_to_id: owner.id,
      due_date: due,
      completed_at: null,
      status: 'open',
      priority: 'high',
      created_by: USER.name,
      automation_rule_id: null,
      trigger_run_id: null,
      created_at: expect.any(String),
      updated_at: expect.any(String),
      lead_email: expect.stringMatching(/^ada\./),
      lead_name: null,
      deal_name: deal.name,
      assigned_name: 'Olga Owner',
    });
    expect(await app.call(Queries.LeadsGetTask, { id: created.id })).toEqual({ data: created });
  });

  it('refuses bad tasks with 400 or 404 and stores nothing', async () => {
    const before = await app.sql(`SELECT id FROM leads.tasks`);
    expect(await create({ title: 'Orphan' })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(
      await create({ lead_id: leadId, title: 'x', assigned_to: 'nobody@nowhere.example' }),
    ).toMatchObject({
      ok: false,
      error: { status: 400, details: { validation_errors: [{ path: 'assigned_to' }] } },
    });
    expect(await create({ lead_id: randomUUID(), title: 'x' })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await create({ deal_id: randomUUID(), title: 'x' })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
    expect(await create({ lead_id: leadId, title: '' })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await create({ lead_id: leadId, title: 'x', priority: 'urgent' })).toMatchObject({
      ok: false,
      error: { status: 400 },
    });
    expect(await app.sql(`SELECT id FROM leads.tasks`)).toEqual(before);
  });

  it('completes, cancels and reopens; a repeat changes nothing; reopen only from completed or cancelled', async () => {
    const t = await task({ lead_id: leadId, title: 'Call back' });
    const done = await transition(t.id, 'complete');
    expect(done).toMatchObject({
      ok: true,
      data: { data: { status: 'completed', completed_at: expect.any(String) } },
    });
    const again = await transition(t.id, 'complete');
    expect((again as any).data.data.completed_at).toBe((done as any).data.data.completed_at);
    const reopened = await transition(t.id, 'reopen');
    expect(reopened).toMatchObject({ ok: true, data: { data: { status: 'open', completed_at: null } } });
    await app.call(Queries.LeadsUpdateTask, { actor: USER, id: t.id, body: { status: 'in_progress' } });
    expect(await transition(t.id, 'reopen')).toMatchObject({ ok: false, error: { status: 422 } });
    expect(await transition(t.id, 'cancel')).toMatchObject({
      ok: true,
      data: { data: { status: 'cancelled' } },
    });
    expect(await transition(randomUUID(), 'complete')).toMatchObject({ ok: false, error: { status: 404 } });
  });

  it('edits partially: null clears description, assignee and due date; title cannot be null', async () => {
    const t = await task({
      lead_id: leadId,
      title: 'Prepare offer',
      description: 'draft',
      assigned_to: owner.email,
      due_date: '2030-01-01',
    });
    const edited = await app.call<{ data: TaskView }>(Queries.LeadsUpdateTask, {
      actor: USER,
      id: t.id,
      body: { description: null, assigned_to: null, due_date: null, priority: 'critical' },
    });
    expect(edited.data).toMatchObject({
      title: 'Prepare offer',
      description: null,
      assigned_to: null,
      assigned_to_id: null,
      due_date: null,
      priority: 'critical',
    });
    expect(
      await app.request(Queries.LeadsUpdateTask, { actor: USER, id: t.id, body: { title: null } }),
    ).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('lists with filters, overdue, sorting and paging; per lead and deal; statistics, due soon, calendar, grouped', async () => {
    const mine = { assigned_to: owner.email };
    const past = new Date(Date.now() - 3600_000).toISOString();
    const soon = new Date(Date.now() + 24 * 3600_000).toISOString();
    const later = new Date(Date.now() + 10 * 24 * 3600_000).toISOString();
    const overdue = await task({ lead_id: leadId, title: 'Late', due_date: past, ...mine });
    const dueSoon = await task({ lead_id: leadId, title: 'Soon', due_date: soon, ...mine });
    await task({ lead_id: leadId, title: 'Later', due_date: later, ...mine, priority: 'low' });

    const page = await app.call<Page<TaskView>>(Queries.LeadsListTasks, { ...mine, limit: 2, page: 1 });
    expect(page.pagination).toMatchObject({ limit: 2, page: 1, has_next: true });
    const all = await app.call<Page<TaskView>>(Queries.LeadsListTasks, { ...mine, limit: 100, page: 1 });
    const dues = all.data.map((t) => t.due_date).filter(Boolean) as string[];
    expect(dues).toEqual([...dues].sort());
    const late = await app.call<Page<TaskView>>(Queries.LeadsListTasks, {
      overdue: true,
      limit: 100,
      page: 1,
    });
    expect(late.data.map((t) => t.id)).toEqual([overdue.id]);
    const byPriority = await app.call<Page<TaskView>>(Queries.LeadsListTasks, {
      ...mine,
      sort_by: 'priority',
      sort_order: 'desc',
      limit: 100,
      page: 1,
    });
    expect(byPriority.data[0].priority).toBe('high');

    const stats = await app.call<{ data: TaskStatisticsView }>(Queries.LeadsTaskStatistics, mine);
    const [counts] = await app.sql<{ total: number }>(
      `SELECT count(*)::int AS total FROM leads.tasks WHERE assigned_to_id = $1`,
      [owner.id],
    );
    expect(stats.data).toMatchObject({ total: counts.total, overdue: 1 });

    const soonList = await app.call<{ data: TaskView[]; meta: object }>(Queries.LeadsTasksDueSoon, {
      ...mine,
    });
    expect(soonList.data.map((t) => t.id)).toContain(dueSoon.id);
    expect(soonList.meta).toEqual({ days_ahead: 3, count: soonList.data.length });
    const lateList = await app.call<Page<TaskView>>(Queries.LeadsTasksOverdue, { limit: 20, page: 1 });
    expect(lateList.data.map((t) => t.id)).toEqual([overdue.id]);

    const calendar = await app.call<{ data: TaskView[] }>(Queries.LeadsTaskCalendar, {
      start: new Date(Date.now() - 2 * 3600_000).toISOString(),
      end: new Date(Date.now() + 2 * 24 * 3600_000).toISOString(),
    });
    expect(calendar.data.map((t) => t.title).sort()).toEqual(expect.arrayContaining(['Late', 'Soon']));
    expect(calendar.data.map((t) => t.title)).not.toContain('Later');
    expect(await app.request(Queries.LeadsTaskCalendar, {})).toMatchObject({
      ok: false,
      error: { status: 400 },
    });

    const grouped = await app.call<{ data: Record<string, TaskView[]> }>(Queries.LeadsTasksGrouped, {});
    expect(grouped.data[owner.email].every((t) => t.status === 'open' || t.status === 'in_progress')).toBe(
      true,
    );

    const ofLead = await app.call<{ data: TaskView[]; meta: { count: number } }>(Queries.LeadsTasksOfLead, {
      id: leadId,
    });
    expect(ofLead.meta).toEqual({ lead_id: leadId, count: ofLead.data.length });
    const ofDeal = await app.call<{ data: TaskView[] }>(Queries.LeadsTasksOfDeal, { id: deal.id });
    expect(ofDeal.data.map((t) => t.title)).toEqual(['Send the sample kit']);
    expect(await app.request(Queries.LeadsTasksOfLead, { id: randomUUID() })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });

  it('deletes a task; a second delete is 404', async () => {
    const t = await task({ lead_id: leadId, title: 'Temporary' });
    expect(await app.call(Queries.LeadsDeleteTask, { actor: USER, id: t.id })).toEqual({
      message: 'Task deleted successfully',
    });
    expect(await app.request(Queries.LeadsDeleteTask, { actor: USER, id: t.id })).toMatchObject({
      ok: false,
      error: { status: 404 },
    });
  });
});

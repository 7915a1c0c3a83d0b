import { randomUUID } from 'node:crypto';
import { Queries, type Page, type QuerySubject } from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';

/**
 * The other lists of leads walk by cursor as `GET /leads` does (api.md §1.4): organizations (query builder, a
 * nullable text column), tasks (raw SQL, a nullable timestamp and a computed priority rank) and team (raw SQL over
 * a subquery, a computed open-deal count).
 */
describe('leads: cursor pagination of organizations, tasks and team (real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const tag = randomUUID().slice(0, 8);

  beforeAll(async () => {
    await app.start();
    await app.sql(
      `INSERT INTO leads.organizations (name, domain, industry)
       SELECT 'Cursor Org ' || $1::text || ' ' || (i % 4), 'org-' || i || '-' || $1::text || '.example',
              CASE WHEN i % 3 = 0 THEN NULL ELSE 'industry-' || (i % 2) END
         FROM generate_series(1, 23) AS i`,
      [tag],
    );
    const [lead] = await app.sql<{ id: string }>(`INSERT INTO leads.leads (email) VALUES ($1) RETURNING id`, [
      `tasks-${tag}@cursor.example`,
    ]);
    await app.sql(
      `INSERT INTO leads.tasks (lead_id, title, due_date, priority)
       SELECT $1::uuid, 'task ' || i,
              CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2026-12-01 09:00:00.5+00' + (i % 5) * interval '1 day' END,
              (ARRAY['low','medium','high','critical'])[i % 4 + 1]
         FROM generate_series(1, 23) AS i`,
      [lead.id],
    );
    await app.sql(
      `INSERT INTO leads.team_members (email, name, role, region)
       SELECT 'member-' || i || '-' || $1::text || '@cursor.example', 'Cursor ' || $1::text || ' ' || (i % 3), 'bdr',
              CASE WHEN i % 2 = 0 THEN NULL ELSE 'dach' END
         FROM generate_series(1, 13) AS i`,
      [tag],
    );
  });
  afterAll(() => app.stop());

  async function walk(subject: QuerySubject, query: Record<string, unknown>) {
    const all = await app.call<Page<{ id: string }>>(subject, { ...query, limit: 100 });
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page<{ id: string }> = await app.call(subject, {
        ...query,
        limit: 4,
        ...(cursor ? { cursor } : {}),
      });
      if (cursor) expect(page.pagination).not.toHaveProperty('total');
      walked.push(...page.data.map((row) => row.id));
      cursor = page.pagination.next_cursor;
    } while (cursor);
    return { offset: all.data.map((row) => row.id), walked };
  }

  it.each([
    [Queries.LeadsListOrganizations, { search: tag, sort_by: 'name', sort_order: 'asc' }, 23],
    [Queries.LeadsListOrganizations, { search: tag, sort_by: 'industry', sort_order: 'desc' }, 23],
    [Queries.LeadsListTasks, { sort_by: 'due_date', sort_order: 'asc' }, 23],
    [Queries.LeadsListTasks, { sort_by: 'due_date', sort_order: 'desc' }, 23],
    [Queries.LeadsListTasks, { sort_by: 'priority', sort_order: 'desc' }, 23],
    [Queries.LeadsListTeam, { search: tag, sort_by: 'name' }, 13],
    [Queries.LeadsListTeam, { search: tag, sort_by: 'region', sort_order: 'desc' }, 13],
    [Queries.LeadsListTeam, { search: tag, sort_by: 'current_leads' }, 13],
  ])('%s %j: the cursor walk equals the page order', async (subject, query, count) => {
    const { offset, walked } = await walk(subject, query);
    expect(offset).toHaveLength(count);
    expect(walked).toEqual(offset);
  });

  it('a cursor of one list is refused by another (400 on cursor), also /tasks vs /tasks/overdue', async () => {
    const tasks = await app.call<Page<{ id: string }>>(Queries.LeadsListTasks, {
      sort_by: 'due_date',
      limit: 2,
    });
    const cursor = tasks.pagination.next_cursor;
    for (const [subject, query] of [
      [Queries.LeadsTasksOverdue, {}],
      [Queries.LeadsListOrganizations, {}],
    ] as const) {
      const reply = await app.request(subject, { ...query, cursor });
      expect(reply.ok).toBe(false);
      if (!reply.ok)
        expect(reply.error.details?.validation_errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    }
  });
});

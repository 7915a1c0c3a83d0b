import { randomUUID } from 'node:crypto';
import {
  Queries,
  decodeCursor,
  encodeCursor,
  type CursorPagination,
  type LeadView,
  type Page,
  type Pagination,
} from '@crm/contracts';
import { LeadsTestApp } from './support/leads-test-app';
import { StatementCounter } from './support/statement-counter';

const ROWS = 50;
const LIMIT = 7;

describe('leads: cursor pagination of GET /leads (api.md §1.4; real PostgreSQL + NATS)', () => {
  const app = new LeadsTestApp();
  const domain = `cursor-${randomUUID().slice(0, 8)}.example`;

  /**
   * 50 leads with ties in every sort column: created_at in groups of three (with microseconds, which a
   * millisecond cursor would lose), total_score 0–4, last_activity NULL for every fourth and first_name for
   * every sixth.
   */
  beforeAll(async () => {
    await app.start();
    await app.sql(
      `INSERT INTO leads.leads (email, first_name, total_score, last_activity, created_at, updated_at)
       SELECT 'lead-' || i || '@' || $1::text,
              CASE WHEN i % 6 = 0 THEN NULL ELSE (ARRAY['Anna','Ben','Carla'])[i % 3 + 1] END,
              i % 5,
              CASE WHEN i % 4 = 0 THEN NULL
                   ELSE timestamptz '2026-03-01 08:00:00.000001+00' + (i % 7) * interval '1 hour' END,
              timestamptz '2026-02-01 10:00:00.123456+00' - (i / 3) * interval '1 minute',
              now()
         FROM generate_series(1, $2::int) AS i`,
      [domain, ROWS],
    );
  });
  afterAll(() => app.stop());

  const list = (query: Record<string, unknown>) => app.request<Page<LeadView>>(Queries.LeadsListLeads, query);
  const page = async (query: Record<string, unknown>) => {
    const reply = await list(query);
    if (!reply.ok) throw new Error(JSON.stringify(reply.error));
    return reply.data;
  };

  /** Every lead of the filter, page after page by offset. */
  async function byOffset(query: Record<string, unknown>): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 1; ; n++) {
      const { data, pagination } = await page({ ...query, limit: LIMIT, page: n });
      ids.push(...data.map((lead) => lead.id));
      if (!(pagination as Pagination).has_next) return ids;
    }
  }

  /** Every lead of the filter: page 1, then each next_cursor until it is null; `between` runs after each page. */
  async function byCursor(query: Record<string, unknown>, between?: (n: number) => Promise<void>) {
    const ids: string[] = [];
    const first = await page({ ...query, limit: LIMIT });
    ids.push(...first.data.map((lead) => lead.id));
    let cursor = first.pagination.next_cursor;
    for (let n = 1; cursor; n++) {
      await between?.(n);
      const next = await page({ ...query, limit: LIMIT, page: 5, cursor });
      expect(next.pagination).not.toHaveProperty('total');
      expect(next.pagination.limit).toBe(LIMIT);
      ids.push(...next.data.map((lead) => lead.id));
      cursor = next.pagination.next_cursor;
      expect(next.pagination.has_next).toBe(cursor !== null);
    }
    return ids;
  }

  it.each([
    ['created_at', 'desc'],
    ['created_at', 'asc'],
    ['total_score', 'asc'],
    ['total_score', 'desc'],
    ['last_activity', 'desc'],
    ['last_activity', 'asc'],
    ['first_name', 'asc'],
    ['first_name', 'desc'],
  ])(
    'walks %s %s by cursor in exactly the offset order, no duplicates or gaps',
    async (sortBy, sortOrder) => {
      const query = { search: domain, sort_by: sortBy, sort_order: sortOrder };
      const offset = await byOffset(query);
      expect(offset).toHaveLength(ROWS);
      const cursor = await byCursor(query);
      expect(new Set(cursor).size).toBe(cursor.length);
      expect(cursor).toEqual(offset);
    },
  );

  it('page 1 stays as it was, plus next_cursor; the last page has none', async () => {
    const first = await page({ search: domain, limit: LIMIT });
    expect(first.pagination).toEqual({
      page: 1,
      limit: LIMIT,
      total: ROWS,
      total_pages: Math.ceil(ROWS / LIMIT),
      has_next: true,
      has_prev: false,
      next_cursor: expect.any(String),
    });
    expect(decodeCursor(first.pagination.next_cursor)).toMatchObject({
      list: 'leads',
      sort: 'created_at:desc',
      id: first.data[LIMIT - 1].id,
      // Microseconds kept: a millisecond cursor would skip rows that differ below the millisecond.
      keys: [expect.stringMatching(/\.123456/)],
    });
    const last = await page({ search: domain, limit: LIMIT, page: Math.ceil(ROWS / LIMIT) });
    expect((last.pagination as Pagination).has_next).toBe(false);
    expect(last.pagination.next_cursor).toBeNull();
  });

  it('rows inserted between pages do not shift the window: earlier ones are not seen, later ones are', async () => {
    const own = `cursor-insert-${randomUUID().slice(0, 8)}.example`;
    await app.sql(
      `INSERT INTO leads.leads (email, created_at)
       SELECT 'lead-' || i || '@' || $1::text, timestamptz '2026-02-01 10:00:00+00' - i * interval '1 second'
         FROM generate_series(1, 30) AS i`,
      [own],
    );
    const query = { search: own };
    const before = await byOffset(query);
    const inserted: string[] = [];
    const walked = await byCursor(query, async (n) => {
      // Newest first: this one sorts before the window, so by offset it would push a seen row into the next page.
      const [early] = await app.sql<{ id: string }>(
        `INSERT INTO leads.leads (email, created_at) VALUES ($1, now()) RETURNING id`,
        [`early-${n}@${own}`],
      );
      expect(early.id).toBeDefined();
      if (n === 1) {
        const [late] = await app.sql<{ id: string }>(
          `INSERT INTO leads.leads (email, created_at) VALUES ($1, '2020-01-01T00:00:00Z') RETURNING id`,
          [`late@${own}`],
        );
        inserted.push(late.id);
      }
    });
    expect(walked).toEqual([...before, ...inserted]);
    // The same insert shifts offset paging: page 2 now repeats the last row of page 1.
    const [firstPage, secondPage] = [
      await page({ ...query, limit: LIMIT, page: 1 }),
      await page({ ...query, limit: LIMIT, page: 2 }),
    ];
    await app.sql(`INSERT INTO leads.leads (email, created_at) VALUES ($1, now())`, [`shift@${own}`]);
    const shifted = await page({ ...query, limit: LIMIT, page: 2 });
    expect(shifted.data[0].id).toBe(firstPage.data[LIMIT - 1].id);
    expect(secondPage.data[0].id).not.toBe(shifted.data[0].id);
  });

  it('reads by cursor without counting; by page it counts as before', async () => {
    const first = await page({ search: domain, limit: LIMIT });
    const counter = new StatementCounter(app.databaseName).start();
    try {
      await page({ search: domain, limit: LIMIT, page: 2 });
      const paged = counter.stop();
      expect(paged.some((text) => /count\(/i.test(text))).toBe(true);
      counter.start();
      await page({ search: domain, limit: LIMIT, cursor: first.pagination.next_cursor });
      const byCursorStatements = counter.stop();
      expect(byCursorStatements.length).toBeGreaterThan(0);
      expect(byCursorStatements.some((text) => /count\(/i.test(text))).toBe(false);
    } finally {
      counter.stop();
    }
  });

  it('the page with the last row has next_cursor null', async () => {
    const all = await page({ search: domain, limit: 100 });
    const lastRow = all.data[all.data.length - 1];
    // A page of all rows but the last: its cursor leaves exactly one.
    const probe = await page({ search: domain, limit: ROWS - 1 });
    const after = await page({ search: domain, limit: LIMIT, cursor: probe.pagination.next_cursor });
    expect(after.data.map((lead) => lead.id)).toEqual([lastRow.id]);
    expect(after.pagination as CursorPagination).toEqual({
      limit: LIMIT,
      has_next: false,
      next_cursor: null,
    });
  });

  describe('a cursor that is not a next_cursor of this list and sort → 400 VALIDATION_ERROR on `cursor`', () => {
    const position = { list: 'leads', sort: 'created_at:desc', keys: ['2026-02-01T10:00:00.123456+00:00'] };
    it.each([
      ['not base64url JSON', 'not a cursor!'],
      ['truncated', encodeCursor({ ...position, id: randomUUID() }).slice(0, 20)],
      ['base64url of something else', Buffer.from('{"page":3}').toString('base64url')],
      ['another list', encodeCursor({ ...position, list: 'deals', id: randomUUID() })],
      ['another sort', encodeCursor({ ...position, sort: 'email:asc', id: randomUUID() })],
      ['an edited key', encodeCursor({ ...position, keys: ['yesterday'], id: randomUUID() })],
      [
        'a day that is not',
        encodeCursor({ ...position, keys: ['2026-02-30T10:00:00+00:00'], id: randomUUID() }),
      ],
      ['NULL for a NOT NULL column', encodeCursor({ ...position, keys: [null], id: randomUUID() })],
      [
        'two keys for one column',
        encodeCursor({ ...position, keys: ['2026-02-01T10:00:00Z', 'x'], id: randomUUID() }),
      ],
    ])('%s', async (_case, cursor) => {
      const reply = await list({ search: domain, limit: LIMIT, cursor });
      expect(reply.ok).toBe(false);
      if (reply.ok) return;
      expect(reply.error.code).toBe('VALIDATION_ERROR');
      expect(reply.error.details?.validation_errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    });

    it('NULL is a fine key for a nullable column', async () => {
      const cursor = encodeCursor({
        list: 'leads',
        sort: 'last_activity:desc',
        keys: [null],
        id: randomUUID(),
      });
      const reply = await list({ search: domain, sort_by: 'last_activity', limit: LIMIT, cursor });
      expect(reply.ok).toBe(true);
    });
  });
});

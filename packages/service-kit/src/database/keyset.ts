import {
  decodeCursor,
  encodeCursor,
  invalidCursor,
  toCursorPage,
  toPage,
  type CursorPosition,
  type Page,
} from '@crm/contracts';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** How PostgreSQL reads a sort key back from the cursor (each is checked first, so an edited cursor is a 400). */
export type KeyType = 'timestamptz' | 'date' | 'int' | 'numeric' | 'text';

export interface KeyColumn {
  /** The ORDER BY expression; inside a TypeORM query builder a property path such as `lead.createdAt`. */
  sql: string;
  type: KeyType;
  /** The column can be NULL and the ORDER BY puts NULLs last (as every list's ORDER BY says). */
  nullable?: boolean;
}

/** A list's ORDER BY: `columns` then `id`, all in `direction` (the same ORDER BY page and cursor reads use). */
export interface KeysetOrder {
  /** The cursor's list tag, e.g. `leads`: a cursor of another list is a 400. */
  list: string;
  /** The `sort_by` in force (default included). */
  sortBy: string;
  direction: 'asc' | 'desc';
  columns: KeyColumn[];
  id: string;
}

/** The paging part of a list query (api.md §1.4). */
export interface PageRequest {
  page: number;
  limit: number;
  cursor?: string;
}

/** A row read with the text of its sort keys, which its successor's cursor repeats. */
export interface KeyedRow<R> {
  row: R;
  keys: (string | null)[];
  id: string;
}

const KEY_ALIAS = 'keyset_key_';
const DATE = /^(\d{4})-(\d{2})-(\d{2})/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}(:\d{2})?)$/;
const INT32 = 2 ** 31;

/** A real calendar day: PostgreSQL refuses 2025-02-30, which would otherwise be a 500. */
function isCalendarDay(text: string): boolean {
  const match = DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = match.slice(1).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const KEY_CHECKS: Record<KeyType, (text: string) => boolean> = {
  timestamptz: (text) => TIMESTAMP.test(text) && isCalendarDay(text) && !Number.isNaN(Date.parse(text)),
  date: (text) => text.length === 10 && isCalendarDay(text),
  int: (text) => /^-?\d{1,10}$/.test(text) && Math.abs(Number(text)) < INT32,
  numeric: (text) => /^-?\d{1,20}(\.\d{1,10})?$/.test(text),
  // NUL is the one character a PostgreSQL text value cannot hold.
  text: (text) => !text.includes('\u0000'),
};

/**
 * Keyset paging of one list (api.md §1.4): without a cursor, `page`/`limit` as before; with one, the rows strictly
 * after the cursor's row in the list's ORDER BY, and no count. Either way each page carries the `next_cursor` of
 * the rows after it. Only the SQL fragments come from here; each repository keeps its own query.
 */
export class Keyset {
  private readonly position: CursorPosition | null;

  /** Throws 400 `VALIDATION_ERROR` (path `cursor`) for a cursor of another list or sort, or with edited keys. */
  constructor(
    private readonly order: KeysetOrder,
    private readonly request: PageRequest,
  ) {
    this.position = request.cursor === undefined ? null : this.check(decodeCursor(request.cursor));
  }

  get byCursor(): boolean {
    return this.position !== null;
  }

  /** Rows to read: one more than a page with a cursor, which tells whether any follow. */
  get fetchLimit(): number {
    return this.position ? this.request.limit + 1 : this.request.limit;
  }

  get offset(): number {
    return this.position ? 0 : (this.request.page - 1) * this.request.limit;
  }

  /** The ORDER BY (raw SQL): each column NULLS LAST if nullable, then the id. */
  orderBy(): string {
    const direction = this.order.direction.toUpperCase();
    return [
      ...this.order.columns.map((c) => `${c.sql} ${direction}${c.nullable ? ' NULLS LAST' : ''}`),
      `${this.order.id} ${direction}`,
    ].join(', ');
  }

  /** Each sort key as text, exactly as stored (microseconds included), with the alias `keyed()` reads. */
  keyColumns(): { expression: string; alias: string }[] {
    return this.order.columns.map((c, i) => ({
      expression: `to_json(${c.sql}) #>> '{}'`,
      alias: `${KEY_ALIAS}${i}`,
    }));
  }

  /** `keyColumns()` as select-list items of raw SQL. */
  keySelects(): string {
    return this.keyColumns()
      .map(({ expression, alias }) => `${expression} AS "${alias}"`)
      .join(', ');
  }

  /**
   * The condition "strictly after the cursor's row", or null without a cursor. `param` binds a value and returns
   * its placeholder (`$3`, `:name`). Lexicographic over the columns and the id, a NULL after every value; runs of
   * NOT NULL columns become one row comparison, which a btree index on them can serve.
   */
  after(param: (value: string) => string): string | null {
    if (!this.position) return null;
    const { keys, id } = this.position;
    const terms = [
      ...this.order.columns.map((column, i) => ({
        sql: column.sql,
        nullable: column.nullable ?? false,
        value: keys[i] === null ? null : `CAST(${param(keys[i] as string)} AS ${column.type})`,
      })),
      { sql: this.order.id, nullable: false, value: `CAST(${param(id)} AS uuid)` },
    ];
    return this.laterThan(terms);
  }

  private laterThan(terms: { sql: string; nullable: boolean; value: string | null }[]): string {
    const op = this.order.direction === 'asc' ? '>' : '<';
    const [first, ...rest] = terms;
    // Nothing but NULL sorts at or after NULL in this column: only the later columns decide.
    if (first.value === null) return `(${first.sql} IS NULL AND ${this.laterThan(rest)})`;
    // The first column with the NOT NULL run after it (the id ends every run).
    const end = rest.findIndex((term) => term.nullable);
    const run = [first, ...(end === -1 ? rest : rest.slice(0, end))];
    const row = (side: 'sql' | 'value') => `(${run.map((term) => term[side]).join(', ')})`;
    const nulls = first.nullable ? ` OR ${first.sql} IS NULL` : '';
    if (end === -1) return `(${row('sql')} ${op} ${row('value')}${nulls})`;
    return `(${row('sql')} ${op} ${row('value')}${nulls} OR (${row('sql')} = ${row('value')} AND ${this.laterThan(rest.slice(end))}))`;
  }

  /** Raw rows with the `keySelects()` columns: the rows without them, with their keys. */
  keyed<R extends { id: string }>(rows: R[]): KeyedRow<R>[] {
    return rows.map((raw) => {
      const row: Record<string, unknown> = { ...raw };
      const keys = this.order.columns.map((_, i) => {
        const key = row[`${KEY_ALIAS}${i}`];
        delete row[`${KEY_ALIAS}${i}`];
        return (key ?? null) as string | null;
      });
      return { row: row as R, keys, id: raw.id };
    });
  }

  /** The rows read (`fetchLimit` of them at most) and, without a cursor, the count: ready to answer. */
  read<R>(rows: KeyedRow<R>[], total?: number): KeysetRead<R> {
    return new KeysetRead(this, rows, total);
  }

  /** The response: `toPage` with `total`, or a cursor page (no total) when read by cursor. */
  page<R, V>(rows: KeyedRow<R>[], view: (row: R) => V, total?: number): Page<V> {
    const { limit, page } = this.request;
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    const nextCursor = last
      ? encodeCursor({ list: this.order.list, sort: this.sortTag(), keys: last.keys, id: last.id })
      : null;
    const views = data.map((r) => view(r.row));
    if (this.position) return toCursorPage(views, limit, rows.length > limit ? nextCursor : null);
    return toPage(views, total ?? 0, page, limit, nextCursor);
  }

  private sortTag(): string {
    return `${this.order.sortBy}:${this.order.direction}`;
  }

  private check(position: CursorPosition | null): CursorPosition {
    if (!position || position.list !== this.order.list || position.sort !== this.sortTag()) {
      throw invalidCursor();
    }
    if (position.keys.length !== this.order.columns.length) throw invalidCursor();
    this.order.columns.forEach((column, i) => {
      const key = position.keys[i];
      if (key === null ? !column.nullable : !KEY_CHECKS[column.type](key)) throw invalidCursor();
    });
    return position;
  }
}

/** A page as a repository read it; the service maps the rows to views. */
export class KeysetRead<R> {
  constructor(
    private readonly keyset: Keyset,
    readonly rows: KeyedRow<R>[],
    readonly total: number | undefined,
  ) {}

  page<V>(view: (row: R) => V): Page<V> {
    return this.keyset.page(this.rows, view, this.total);
  }
}

/**
 * One page through a TypeORM query builder whose joins, filters and ORDER BY are set (property paths allowed in
 * the key columns): adds the cursor condition, the key selects and the window; counts only without a cursor.
 */
export async function readKeysetPage<E extends ObjectLiteral & { id: string }>(
  qb: SelectQueryBuilder<E>,
  keyset: Keyset,
): Promise<KeysetRead<E>> {
  let n = 0;
  const condition = keyset.after((value) => {
    const name = `keyset_${n++}`;
    qb.setParameter(name, value);
    return `:${name}`;
  });
  if (condition) qb.andWhere(`(${condition})`);
  // The count and the rows at once (outside a transaction each takes its own pooled connection).
  const counting = keyset.byCursor ? undefined : qb.clone().getCount();
  for (const { expression, alias } of keyset.keyColumns()) qb.addSelect(expression, alias);
  qb.offset(keyset.offset).limit(keyset.fetchLimit);
  const [total, { entities, raw }] = await Promise.all([
    counting,
    qb.getRawAndEntities<Record<string, string | null>>(),
  ]);
  const byId = new Map(entities.map((entity) => [entity.id, entity]));
  // TypeORM names the main entity's selected id `<alias>_id` (selecting it again would rename it).
  const rows = keyset.keyed(raw.map((r) => ({ ...r, id: r[`${qb.alias}_id`] as string })));
  return keyset.read(
    rows.map((r) => ({ ...r, row: byId.get(r.id) as E })),
    total,
  );
}

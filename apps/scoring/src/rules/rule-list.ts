import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { Keyset, readKeysetPage, type KeysetRead } from '@crm/service-kit';

/** The list query every rules endpoint shares (api.md §10). */
export interface RuleListQuery {
  page: number;
  limit: number;
  sort_order?: 'asc' | 'desc';
  cursor?: string;
  id?: string[];
  rule_type?: string;
  is_active?: boolean;
  include_archived?: boolean;
}

/**
 * A page of rules from `builder` (alias `r`): the shared filters, plus `equals` (column → value, skipped when
 * undefined), ordered by priority, then `groupColumn`, created_at and id. By page with the count of all matches,
 * or by cursor (api.md §1.4; `list` tags the cursor).
 */
export function pageOfRules<T extends ObjectLiteral & { id: string }>(
  builder: SelectQueryBuilder<T>,
  query: RuleListQuery,
  list: string,
  groupColumn: string,
  equals: Record<string, string | undefined>,
): Promise<KeysetRead<T>> {
  if (!query.include_archived) builder.andWhere('r.archived_at IS NULL');
  const filters: Record<string, unknown> = {
    ...equals,
    rule_type: query.rule_type,
    is_active: query.is_active,
  };
  for (const [column, value] of Object.entries(filters)) {
    if (value !== undefined) builder.andWhere(`r.${column} = :${column}`, { [column]: value });
  }
  if (query.id?.length) builder.andWhere('r.id IN (:...ids)', { ids: query.id });
  const direction = query.sort_order ?? 'asc';
  const keyset = new Keyset(
    {
      list,
      sortBy: 'priority',
      direction,
      columns: [
        { sql: 'r.priority', type: 'int' },
        { sql: `r.${groupColumn}`, type: 'text' },
        { sql: 'r.created_at', type: 'timestamptz' },
      ],
      id: 'r.id',
    },
    query,
  );
  const order = direction === 'desc' ? 'DESC' : 'ASC';
  builder
    .orderBy('r.priority', order)
    .addOrderBy(`r.${groupColumn}`, order)
    .addOrderBy('r.created_at', order)
    .addOrderBy('r.id', order);
  return readKeysetPage(builder, keyset);
}

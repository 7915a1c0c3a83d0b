import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** The list query every rules endpoint shares (api.md §10). */
export interface RuleListQuery {
  page: number;
  limit: number;
  sort_order?: 'asc' | 'desc';
  id?: string[];
  rule_type?: string;
  is_active?: boolean;
  include_archived?: boolean;
}

/**
 * A page of rules from `builder` (alias `r`): the shared filters, plus `equals` (column → value, skipped when
 * undefined), ordered by priority, then `groupColumn`, created_at and id. Returns the page and the count of all
 * matches.
 */
export async function pageOfRules<T extends ObjectLiteral>(
  builder: SelectQueryBuilder<T>,
  query: RuleListQuery,
  groupColumn: string,
  equals: Record<string, string | undefined>,
): Promise<{ rules: T[]; total: number }> {
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
  const direction = query.sort_order === 'desc' ? 'DESC' : 'ASC';
  const [rules, total] = await builder
    .orderBy('r.priority', direction)
    .addOrderBy(`r.${groupColumn}`, direction)
    .addOrderBy('r.created_at', direction)
    .addOrderBy('r.id', direction)
    .skip((query.page - 1) * query.limit)
    .take(query.limit)
    .getManyAndCount();
  return { rules, total };
}

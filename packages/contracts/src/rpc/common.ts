import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { ACTOR_TYPES, type ActorType } from '../enums';
import { IsPageCursor } from './page-cursor';

/** Who asked: recorded in stage history and run logs. */
export class ActorRef {
  @IsIn(ACTOR_TYPES) type: ActorType;
  @IsOptional() @IsString() id: string | null;
  @IsOptional() @IsString() name?: string | null;
}

export class WithActor {
  @ValidateNested() @Type(() => ActorRef) actor: ActorRef;
}

export class ByIdQuery {
  @IsUUID() id: string;
}

/** A command about one record: delete, archive, activate… */
export class ByIdCommand extends WithActor {
  @IsUUID() id: string;
}

/** `?flag=true|false` arrives as a string; anything else stays as sent, so validation names it. */
export const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

/** `?id=a,b,c` (react-admin getMany) arrives as a string; turn it into a uuid list. */
export const toIdList = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean)
    : value;

export class PageQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) page: number = 1;
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100) limit: number = 20;
  @IsOptional() @IsIn(['asc', 'desc']) sort_order?: 'asc' | 'desc';
  @IsOptional() @Transform(toIdList) @IsUUID('all', { each: true }) id?: string[];
  /** api.md §1.4 (New): continue after the page that returned this `next_cursor`; `page` is then ignored. */
  @IsOptional() @IsPageCursor() cursor?: string;
}

export interface Pagination {
  page: number;
  limit: number;
  total: number;
  total_pages: number;
  has_next: boolean;
  has_prev: boolean;
  /** api.md §1.4 (New): the `cursor` of the rows after this page; null when none follow. */
  next_cursor: string | null;
}

/** A page read by `cursor` (api.md §1.4): no `total` (and so no page numbers), which spares the count. */
export interface CursorPagination {
  limit: number;
  has_next: boolean;
  next_cursor: string | null;
}

export interface Page<T> {
  data: T[];
  pagination: Pagination | CursorPagination;
}

export function toPage<T>(
  data: T[],
  total: number,
  page: number,
  limit: number,
  nextCursor: string | null = null,
): Page<T> {
  const totalPages = Math.ceil(total / limit);
  return {
    data,
    pagination: {
      page,
      limit,
      total,
      total_pages: totalPages,
      has_next: page < totalPages,
      has_prev: page > 1,
      next_cursor: page < totalPages ? nextCursor : null,
    },
  };
}

/** A page read by `cursor`: `next_cursor` is null at the end of the list. */
export function toCursorPage<T>(data: T[], limit: number, nextCursor: string | null): Page<T> {
  return { data, pagination: { limit, has_next: nextCursor !== null, next_cursor: nextCursor } };
}

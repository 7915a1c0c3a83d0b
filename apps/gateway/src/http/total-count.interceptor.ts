import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { type Observable, tap } from 'rxjs';

interface ReplyLike {
  header(name: string, value: string): unknown;
}

/** api.md §1.4: a page-based list repeats `pagination.total` in `X-Total-Count` (the SPA reads the header first). */
@Injectable()
export class TotalCountInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      tap((body) => {
        const total = (body as { pagination?: { total?: unknown } } | null)?.pagination?.total;
        if (typeof total === 'number') {
          context.switchToHttp().getResponse<ReplyLike>().header('X-Total-Count', String(total));
        }
      }),
    );
  }
}

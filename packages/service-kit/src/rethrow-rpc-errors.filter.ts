import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { throwError, type Observable } from 'rxjs';

/**
 * Nest's default RPC filter turns every unknown error into `{status:'error'}`, which would hide whether a
 * failure is transient, permanent or a domain error. Our transport decides that itself, so hand it the error.
 */
@Catch()
export class RethrowRpcErrorsFilter implements ExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

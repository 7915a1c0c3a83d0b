import { InvalidMessageError } from '@crm/contracts';
import { classifyFailure, isDatabaseUnavailable } from './failure-policy';
import { PermanentError, TransientError } from './message-errors';

const pgError = (code: string, message = 'failed') => Object.assign(new Error(message), { code });
/** TypeORM's QueryFailedError keeps pg's error as `driverError`. */
const queryFailed = (code: string) =>
  Object.assign(new Error('query failed'), { name: 'QueryFailedError', driverError: pgError(code) });

describe('classifyFailure', () => {
  it('dead-letters what no retry can fix', () => {
    expect(classifyFailure(new PermanentError('no'))).toBe('permanent');
    expect(classifyFailure(new InvalidMessageError('bad', []))).toBe('permanent');
    for (const code of ['22012', '22P02', '22001', '23502', '23514']) {
      expect(classifyFailure(pgError(code))).toBe('permanent');
      expect(classifyFailure(queryFailed(code))).toBe('permanent');
    }
  });

  it('retries races, lock conflicts and vendor failures', () => {
    for (const code of ['23505', '40001', '40P01', '55P03', '57014']) {
      expect(classifyFailure(pgError(code))).toBe('transient');
    }
    expect(classifyFailure(new TransientError('vendor down'))).toBe('transient');
    expect(classifyFailure(new Error('something else'))).toBe('transient');
    expect(classifyFailure(undefined)).toBe('transient');
  });

  it('recognises a database that is down or unreachable, also behind a cause', () => {
    expect(classifyFailure(pgError('57P01', 'terminating connection due to administrator command'))).toBe(
      'database_unavailable',
    );
    expect(classifyFailure(queryFailed('08006'))).toBe('database_unavailable');
    expect(isDatabaseUnavailable(pgError('ECONNREFUSED'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(new Error('wrapped', { cause: pgError('ECONNRESET') }))).toBe(true);
    expect(isDatabaseUnavailable(pgError('23505'))).toBe(false);
  });
});

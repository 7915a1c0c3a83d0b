import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsPositive, IsString, Matches, Max, Min } from 'class-validator';

/** The longest timer Node keeps (a longer one fires at once) and PostgreSQL's limit for its timeouts. */
const MAX_TIMEOUT_MS = 2_147_483_647;

/** An integer number of milliseconds in 1…MAX_TIMEOUT_MS: 0 would mean "wait forever" to pg and PostgreSQL. */
function TimeoutMs(): PropertyDecorator {
  return applyDecorators(
    Type(() => Number),
    IsInt({ message: '$property must be a whole number of milliseconds' }),
    Min(1, { message: '$property must be at least 1 (0 would disable the timeout)' }),
    Max(MAX_TIMEOUT_MS, { message: `$property must be at most ${MAX_TIMEOUT_MS}` }),
  );
}

/**
 * Settings every service reads. Property names are the environment variable names; initial values are the
 * defaults that work on a developer machine (architecture.md, Configuration).
 */
export class BaseServiceConfig {
  @IsIn(['development', 'test', 'production']) NODE_ENV: 'development' | 'test' | 'production' =
    'development';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/crm';

  @Matches(/^(nats|tls):\/\/.+/, { message: 'NATS_URL must be a nats:// URL (comma-separate several)' })
  NATS_URL = 'nats://127.0.0.1:4222';

  /** Prefixes subjects and stream names so parallel test runs never see each other's messages. */
  @IsOptional()
  @Matches(/^[a-z0-9_]*$/, { message: 'NATS_NAMESPACE may hold only a-z, 0-9 and _' })
  NATS_NAMESPACE = '';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';

  @IsString() HOST = '0.0.0.0';

  /** Scales every retry backoff; tests set it below 1 to see a day of retries in seconds. 0 would retry at once. */
  @Type(() => Number)
  @IsNumber()
  @IsPositive({ message: 'MESSAGING_BACKOFF_SCALE must be greater than 0 (e.g. 0.001 in tests)' })
  @Max(10)
  MESSAGING_BACKOFF_SCALE = 1;

  /**
   * Scales every consumer's ack wait (at least 1 s), i.e. how long a message held by a process that died stays
   * with it before the broker redelivers it; crash tests set it below 1 to see that redelivery in seconds.
   */
  @Type(() => Number)
  @IsNumber()
  @IsPositive({ message: 'MESSAGING_ACK_WAIT_SCALE must be greater than 0 (e.g. 0.05 in crash tests)' })
  @Max(1)
  MESSAGING_ACK_WAIT_SCALE = 1;

  /**
   * A consumer whose handlings make no progress for this long (messages held, not waiting for the database)
   * reports itself unready, so the orchestrator restarts a process stuck on a call that never settles.
   */
  @Type(() => Number) @IsInt() @Min(1_000) MESSAGING_STALL_TIMEOUT_MS = 300_000;

  @Type(() => Number) @IsInt() @Min(100) SHUTDOWN_TIMEOUT_MS = 15_000;

  @Type(() => Number) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 20;

  /** Opening one connection (TCP, TLS, startup) may take this long before it fails. */
  @TimeoutMs() DATABASE_CONNECT_TIMEOUT_MS = 5_000;

  /** Getting a connection from the pool (waiting for a free one, or opening one) may take this long. */
  @TimeoutMs() DATABASE_POOL_ACQUIRE_TIMEOUT_MS = 10_000;

  /** PostgreSQL cancels a statement running longer (SQLSTATE 57014). Migrations are exempt. */
  @TimeoutMs() DATABASE_STATEMENT_TIMEOUT_MS = 15_000;

  /**
   * PostgreSQL ends a session whose transaction sat idle this long (SQLSTATE 25P03). Handlers make vendor calls
   * inside their transaction, so keep it above the longest vendor timeout (e.g. SLACK_HTTP_TIMEOUT_MS).
   */
  @TimeoutMs() DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
}

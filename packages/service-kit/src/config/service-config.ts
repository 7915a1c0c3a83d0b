import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

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

  /** Scales every retry backoff; tests set it below 1 to see a day of retries in seconds. */
  @Type(() => Number) @IsNumber() @Min(0) @Max(10) MESSAGING_BACKOFF_SCALE = 1;

  @Type(() => Number) @IsInt() @Min(100) SHUTDOWN_TIMEOUT_MS = 15_000;

  @Type(() => Number) @IsInt() @Min(1) @Max(200) DATABASE_POOL_SIZE = 20;
}

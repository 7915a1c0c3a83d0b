import {
  BaseServiceConfig,
  EncryptionKeySetting,
  encryptionKeyOf,
  isProduction,
  RequiredInProduction,
  setOrProduction,
} from '@crm/service-kit';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
} from 'class-validator';
import { ApiKeysFormatError, DEV_DEFAULT_API_KEYS, parseApiKeys, type BootstrapApiKey } from './api-keys-env';

/** Only for development and tests; production refuses to start without a real `JWT_SECRET`. */
export const DEV_DEFAULT_JWT_SECRET = 'dev-only-jwt-secret-not-for-production';
const MIN_PRODUCTION_SECRET_LENGTH = 32;

/**
 * Only for development and tests: the fallback signing secret of signed ingest (api.md §4.2) for sources without
 * a registered one. Production has no default: without WEBHOOK_SECRET there is no fallback.
 */
export const DEV_DEFAULT_WEBHOOK_SECRET = 'whsec_ZGV2LW9ubHktd2ViaG9vay1zZWNyZXQtbm90LWZvci1wcm9k';

function StrongSecretInProduction(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'strongSecretInProduction',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be at least ${MIN_PRODUCTION_SECRET_LENGTH} characters in production`,
      },
      validator: {
        validate: (value: unknown, args) =>
          !isProduction(args) || typeof value !== 'string' || value.length >= MIN_PRODUCTION_SECRET_LENGTH,
      },
    });
}

/** A `whsec_` secret must carry 24-64 bytes (Standard Webhooks); any other form is a plain shared secret. */
function ValidWebhookSecret(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'validWebhookSecret',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: '$property must be whsec_<base64 of 24-64 bytes> or a secret of at least 16 characters',
      },
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          if (!value.startsWith('whsec_')) return value.length >= 16;
          const bytes = Buffer.from(value.slice(6), 'base64').length;
          return /^[A-Za-z0-9+/]+={0,2}$/.test(value.slice(6)) && bytes >= 24 && bytes <= 64;
        },
      },
    });
}

function ValidApiKeysList(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'validApiKeysList',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: (args) => {
          try {
            parseApiKeys(String(args.value));
            return '';
          } catch (error) {
            const detail = error instanceof ApiKeysFormatError ? error.message : 'unreadable';
            return `API_KEYS must be key:source[:scope+scope],… (${detail})`;
          }
        },
      },
      validator: {
        validate: (value: unknown) => {
          if (value === undefined) return true;
          try {
            parseApiKeys(String(value));
            return true;
          } catch {
            return false;
          }
        },
      },
    });
}

/** Gateway settings; property names are the environment variable names (architecture.md, Configuration). */
export class GatewayConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) GATEWAY_PORT = 3000;

  /** Bootstrap API keys, stored hashed at start: `key:source[:scope+scope],…` (default scope `events:write`). */
  @ValidateIf(setOrProduction('API_KEYS')) @RequiredInProduction() @ValidApiKeysList() API_KEYS?: string;

  /** HS256 secret for user access tokens. */
  @ValidateIf(setOrProduction('JWT_SECRET'))
  @RequiredInProduction()
  @StrongSecretInProduction()
  JWT_SECRET?: string;

  /**
   * AES-256-GCM key of the secrets the gateway stores and must read back (ingest signing secrets, api.md §3.1,
   * and members' TOTP secrets, §3):
   * 32 bytes as 64 hex digits or base64. Changing it makes the stored signing secrets unreadable.
   */
  @EncryptionKeySetting()
  ENCRYPTION_KEY?: string;

  /**
   * Signed ingest (api.md §4.2) for sources without a registered signing secret. Optional in production (unset:
   * such sources cannot sign); at least 32 characters there.
   */
  @ValidateIf((object: Record<string, unknown>) => object.WEBHOOK_SECRET !== undefined)
  @ValidWebhookSecret()
  @StrongSecretInProduction()
  WEBHOOK_SECRET?: string;

  /** Lifetime of a user access token, in seconds (api.md §1.2). */
  @Type(() => Number) @IsInt() @Min(60) @Max(86_400) JWT_ACCESS_TTL = 3600;

  /** Lifetime of a refresh token, in days; each use rotates it. */
  @Type(() => Number) @IsInt() @Min(1) @Max(90) REFRESH_TOKEN_TTL_DAYS = 14;

  /** `false`: `POST /auth/register` answers 403 REGISTRATION_DISABLED. */
  @IsIn(['true', 'false']) REGISTRATION_ENABLED = 'true';

  /** Failed sign-ins of one account before it is locked for LOGIN_LOCKOUT_SECONDS (brute-force protection). */
  @Type(() => Number) @IsInt() @Min(1) @Max(100) LOGIN_MAX_FAILURES = 5;
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) LOGIN_LOCKOUT_SECONDS = 900;

  /** How long the gateway waits for a service to answer a query or command. */
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) RPC_TIMEOUT_MS = 5000;
  /** How long a GDPR erasure request waits for every service's confirmation before answering 202 (api.md §17). */
  @Type(() => Number) @IsInt() @Min(0) @Max(120_000) GDPR_ERASE_WAIT_MS = 30_000;
  /** How long a GDPR export waits for each service's part before answering 503 naming it (api.md §17). */
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000) GDPR_EXPORT_TIMEOUT_MS = 30_000;

  /** How long a looked-up API key (or a miss) is remembered; revocations take effect after at most this. */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) API_KEY_CACHE_TTL_MS = 5000;

  /** Comma-separated allowed CORS origins; unset = any origin outside production, none in production. */
  @IsOptional() @IsString() CORS_ORIGINS?: string;

  /** Shared state of every gateway instance: rate-limit windows and idempotency records (api.md §1.5). */
  @Matches(/^rediss?:\/\/\S+$/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key; default `crm:<NATS_NAMESPACE>:gw:`, so isolated runs never share limits. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9:_.-]{1,100}$/, { message: 'REDIS_KEY_PREFIX: 1-100 of [A-Za-z0-9:_.-]' })
  REDIS_KEY_PREFIX?: string;

  /**
   * Requests per minute and principal of each rate-limit class (api.md §1.5); `0` switches a class off.
   * AUTH: login, register, refresh, 2fa/* per IP + email. INGEST: an API key on events/ingest(/batch) and
   * leads/bulk unless the key has its own `rate_limit_per_minute`. SIGNED: signed ingest and vendor webhooks per
   * source. ANONYMOUS: other unauthenticated requests per IP.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_AUTH_PER_MINUTE = 10;
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_USER_PER_MINUTE = 600;
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_INGEST_PER_MINUTE = 20_000;
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_API_KEY_PER_MINUTE = 600;
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_SIGNED_PER_MINUTE = 20_000;
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000_000) RATE_LIMIT_ANONYMOUS_PER_MINUTE = 60;

  /** The built web UI; defaults to apps/web/dist of this checkout. */
  @IsOptional() @IsString() WEB_DIST_DIR?: string;

  /** Services this deployment runs: /health is `degraded` while one of them does not answer. */
  @Matches(/^[a-z]+(,[a-z]+)*$/, {
    message: 'HEALTH_EXPECTED_SERVICES must be a comma-separated list of service names',
  })
  HEALTH_EXPECTED_SERVICES = 'leads,scoring,automation,slack,cituro,moco,mailer,webhooks';

  /** The keys to upsert at start: `API_KEYS`, or the documented development key outside production. */
  bootstrapApiKeys(): BootstrapApiKey[] {
    if (this.API_KEYS !== undefined) return parseApiKeys(this.API_KEYS);
    return this.NODE_ENV === 'production' ? [] : parseApiKeys(DEV_DEFAULT_API_KEYS);
  }

  jwtSecret(): string {
    return this.JWT_SECRET ?? DEV_DEFAULT_JWT_SECRET;
  }

  encryptionKey(): Buffer {
    return encryptionKeyOf(this.ENCRYPTION_KEY);
  }

  /** The fallback signing secret: WEBHOOK_SECRET, or outside production the development one. */
  webhookSecret(): string | undefined {
    return this.WEBHOOK_SECRET ?? (this.NODE_ENV === 'production' ? undefined : DEV_DEFAULT_WEBHOOK_SECRET);
  }

  healthExpectedServices(): string[] {
    return this.HEALTH_EXPECTED_SERVICES.split(',');
  }

  redisKeyPrefix(): string {
    return this.REDIS_KEY_PREFIX ?? `crm:${this.NATS_NAMESPACE || 'default'}:gw:`;
  }

  corsOrigins(): string[] | true | false {
    if (this.CORS_ORIGINS)
      return this.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean);
    return this.NODE_ENV === 'production' ? false : true;
  }
}

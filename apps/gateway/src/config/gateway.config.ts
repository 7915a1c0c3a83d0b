import { BaseServiceConfig } from '@crm/service-kit';
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
  type ValidationArguments,
} from 'class-validator';
import { ApiKeysFormatError, DEV_DEFAULT_API_KEYS, parseApiKeys, type BootstrapApiKey } from './api-keys-env';

/** Only for development and tests; production refuses to start without a real `JWT_SECRET`. */
export const DEV_DEFAULT_JWT_SECRET = 'dev-only-jwt-secret-not-for-production';
const MIN_PRODUCTION_SECRET_LENGTH = 32;

const isProduction = (args?: ValidationArguments) =>
  (args?.object as { NODE_ENV?: string } | undefined)?.NODE_ENV === 'production';

/** Checked when given, and always in production (where it has no default). */
const setOrProduction = (property: string) => (object: Record<string, unknown>) =>
  object.NODE_ENV === 'production' || object[property] !== undefined;

/** Set in production; outside production a documented development default is used instead. */
function RequiredInProduction(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'requiredInProduction',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: '$property must be set when NODE_ENV=production (no development default there)' },
      validator: { validate: (value: unknown, args) => !isProduction(args) || typeof value === 'string' },
    });
}

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

  /** How long a looked-up API key (or a miss) is remembered; revocations take effect after at most this. */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) API_KEY_CACHE_TTL_MS = 5000;

  /** Comma-separated allowed CORS origins; unset = any origin outside production, none in production. */
  @IsOptional() @IsString() CORS_ORIGINS?: string;

  /** The built web UI; defaults to apps/web/dist of this checkout. */
  @IsOptional() @IsString() WEB_DIST_DIR?: string;

  /** Services this deployment runs: /health is `degraded` while one of them does not answer. */
  @Matches(/^[a-z]+(,[a-z]+)*$/, {
    message: 'HEALTH_EXPECTED_SERVICES must be a comma-separated list of service names',
  })
  HEALTH_EXPECTED_SERVICES = 'leads,scoring,automation,slack';

  /** The keys to upsert at start: `API_KEYS`, or the documented development key outside production. */
  bootstrapApiKeys(): BootstrapApiKey[] {
    if (this.API_KEYS !== undefined) return parseApiKeys(this.API_KEYS);
    return this.NODE_ENV === 'production' ? [] : parseApiKeys(DEV_DEFAULT_API_KEYS);
  }

  jwtSecret(): string {
    return this.JWT_SECRET ?? DEV_DEFAULT_JWT_SECRET;
  }

  healthExpectedServices(): string[] {
    return this.HEALTH_EXPECTED_SERVICES.split(',');
  }

  corsOrigins(): string[] | true | false {
    if (this.CORS_ORIGINS)
      return this.CORS_ORIGINS.split(',')
        .map((o) => o.trim())
        .filter(Boolean);
    return this.NODE_ENV === 'production' ? false : true;
  }
}

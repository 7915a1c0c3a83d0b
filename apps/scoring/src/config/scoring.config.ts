import { Type } from 'class-transformer';
import {
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  Validate,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { BaseServiceConfig } from '@crm/service-kit';

class KnownTimeZone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string') return false;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: value });
      return true;
    } catch {
      return false;
    }
  }

  defaultMessage(): string {
    return 'SCORING_EXPIRY_TIME_ZONE must be an IANA time zone such as Europe/Berlin';
  }
}

/** Environment of the scoring service; property names are the variable names, initialisers the defaults. */
export class ScoringConfig extends BaseServiceConfig {
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) SCORING_PORT = 3002;

  /** Local time of the daily expiry run (product.md: 02:00 Europe/Berlin), or `off` (runs only on demand). */
  @Matches(/^(([01]\d|2[0-3]):[0-5]\d|off)$/, { message: 'SCORING_EXPIRY_TIME must be HH:MM or off' })
  SCORING_EXPIRY_TIME = '02:00';

  @IsString() @Validate(KnownTimeZone) SCORING_EXPIRY_TIME_ZONE = 'Europe/Berlin';

  /** Leads per transaction in recalculation and expiry jobs: small enough that live scoring barely waits. */
  @Type(() => Number) @IsInt() @Min(1) @Max(5000) SCORING_JOB_BATCH_SIZE = 200;
}

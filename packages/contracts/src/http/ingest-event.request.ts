import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  isEmail,
  isIn,
  isObject,
  isURL,
  isUUID,
  Length,
  length,
  Matches,
  MaxLength,
  maxLength,
  ValidateNested,
} from 'class-validator';
import { EVENT_SOURCES, type EventSource } from '../enums';
import { LEAD_IDENTIFIER_KEYS, LeadIdentifier } from '../payloads/lead-identifier';
import { HasAnyOf, hasRfc3339Shape, IsNotFutureBeyond, IsRfc3339, MaxJsonBytes } from '../validators';

export const INGEST_METADATA_MAX_BYTES = 64 * 1024;
const EVENT_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;
const OCCURRED_AT_MAX_FUTURE_SECONDS = 3600;

/** Body of `POST /api/v1/events/ingest` (api.md §4.1). */
export class IngestEventRequest {
  @IsOptional() @IsString() @Matches(EVENT_ID_PATTERN) event_id?: string;
  @IsString() @Length(1, 100) event_type: string;
  @IsOptional() @IsString() @MaxLength(50) event_category?: string;
  @IsIn(EVENT_SOURCES) source: EventSource;
  @IsRfc3339() @IsNotFutureBeyond(OCCURRED_AT_MAX_FUTURE_SECONDS) occurred_at: string;

  @IsDefined()
  @HasAnyOf(LEAD_IDENTIFIER_KEYS)
  @ValidateNested()
  @Type(() => LeadIdentifier)
  lead_identifier: LeadIdentifier;

  @IsOptional() @IsObject() @MaxJsonBytes(INGEST_METADATA_MAX_BYTES) metadata?: Record<string, unknown>;
  @IsOptional() @IsString() @MaxLength(100) campaign_id?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_source?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_medium?: string;
  @IsOptional() @IsString() @MaxLength(100) utm_campaign?: string;
  @IsOptional() @IsUUID() correlation_id?: string;
}

const absentOr = (value: unknown, check: (present: unknown) => boolean) =>
  value === undefined || check(value);
const stringOfAtMost = (max: number) => (value: unknown) => maxLength(value, max);

/**
 * The IngestEventRequest of a body that plainly passes every decorator above, checked with the same
 * class-validator functions but without class-transformer and the validation machinery, which were the largest
 * CPU cost of an ingest request. Anything unusual (a null optional field, a wrong type, any failure) yields
 * undefined: the caller then runs the full validation, which decides and explains. It must never accept what
 * the decorators reject; ingest-event.request.spec.ts compares the two.
 */
export function fastAcceptIngestEvent(plain: unknown, nowMs = Date.now()): IngestEventRequest | undefined {
  if (!isObject(plain)) return undefined;
  const body = plain as Record<string, unknown>;
  const identifier = body.lead_identifier;
  const occurredAt = body.occurred_at;
  const accepted =
    absentOr(body.event_id, (v) => typeof v === 'string' && EVENT_ID_PATTERN.test(v)) &&
    length(body.event_type, 1, 100) &&
    absentOr(body.event_category, stringOfAtMost(50)) &&
    isIn(body.source, EVENT_SOURCES) &&
    typeof occurredAt === 'string' &&
    hasRfc3339Shape(occurredAt) &&
    Date.parse(occurredAt) <= nowMs + OCCURRED_AT_MAX_FUTURE_SECONDS * 1000 &&
    isObject(identifier) &&
    fastAcceptLeadIdentifier(identifier as Record<string, unknown>) &&
    absentOr(
      body.metadata,
      (v) => isObject(v) && Buffer.byteLength(JSON.stringify(v) ?? '', 'utf8') <= INGEST_METADATA_MAX_BYTES,
    ) &&
    absentOr(body.campaign_id, stringOfAtMost(100)) &&
    absentOr(body.utm_source, stringOfAtMost(100)) &&
    absentOr(body.utm_medium, stringOfAtMost(100)) &&
    absentOr(body.utm_campaign, stringOfAtMost(100)) &&
    absentOr(body.correlation_id, (v) => isUUID(v));
  if (!accepted) return undefined;
  const request = Object.assign(new IngestEventRequest(), body);
  request.lead_identifier = Object.assign(new LeadIdentifier(), identifier);
  return request;
}

function fastAcceptLeadIdentifier(identifier: Record<string, unknown>): boolean {
  const hasAny = LEAD_IDENTIFIER_KEYS.some((key) => {
    const value = identifier[key];
    return typeof value === 'string' && value.trim().length > 0;
  });
  return (
    hasAny &&
    absentOr(identifier.email, (v) => isEmail(v) && maxLength(v, 255)) &&
    absentOr(identifier.portal_id, stringOfAtMost(100)) &&
    absentOr(identifier.waalaxy_id, stringOfAtMost(100)) &&
    absentOr(
      identifier.linkedin_url,
      (v) => isURL(v as string, { require_tld: false }) && maxLength(v, 255),
    ) &&
    absentOr(identifier.lemlist_id, stringOfAtMost(100))
  );
}

export const INGEST_BATCH_MAX_EVENTS = 1000;

/**
 * Body of `POST /api/v1/events/ingest/batch` (api.md §4.1a). Only the structure is checked here:
 * each item is validated on its own as an IngestEventRequest, so one bad item does not reject the others.
 */
export class IngestEventBatchRequest {
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(INGEST_BATCH_MAX_EVENTS) events: unknown[];
}

import { BadRequestException, HttpException, NotFoundException } from '@nestjs/common';
import { ConflictError, DomainError, ErrorCode, NotFoundError, ValidationFailedError } from '@crm/contracts';
import { errorCodes } from 'fastify';
import { toErrorEnvelope } from './error-envelope';
import { GatewayErrors } from './gateway-errors';

const LIMIT = 1024 * 1024;

/** Fastify's parser errors reach the filter wrapped in an HttpException by Nest's FastifyAdapter. */
function wrapped(fastifyError: Error & { statusCode?: number }): HttpException {
  return new HttpException(fastifyError.message, fastifyError.statusCode ?? 500, { cause: fastifyError });
}

describe('toErrorEnvelope', () => {
  it('renders a DomainError as it is, details included', () => {
    expect(toErrorEnvelope(new NotFoundError('Lead', 'abc'), LIMIT)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: "Lead with identifier 'abc' not found",
      details: { resource: 'Lead', identifier: 'abc' },
      retryAfterSeconds: undefined,
      unexpected: false,
    });
    const validation = toErrorEnvelope(
      new ValidationFailedError([{ path: 'source', message: 'bad', code: 'isIn' }]),
      LIMIT,
    );
    expect(validation.status).toBe(400);
    expect(validation.details).toEqual({
      validation_errors: [{ path: 'source', message: 'bad', code: 'isIn' }],
    });
    expect(toErrorEnvelope(new ConflictError('taken', { existing_deal_id: 'd1' }), LIMIT)).toMatchObject({
      status: 409,
      code: 'CONFLICT',
      details: { existing_deal_id: 'd1' },
    });
  });

  it('accepts an error body rebuilt from NATS that is not our class instance', () => {
    const remote = Object.assign(new Error('Deal is closed'), { code: 'BUSINESS_LOGIC_ERROR', status: 422 });
    expect(toErrorEnvelope(remote, LIMIT)).toMatchObject({
      status: 422,
      code: 'BUSINESS_LOGIC_ERROR',
      message: 'Deal is closed',
    });
  });

  it('gives 503 a Retry-After: the one the error names, else the default', () => {
    const unavailable = new DomainError(
      ErrorCode.ServiceUnavailable,
      'The leads service is unavailable',
      503,
      {
        service: 'leads',
      },
    );
    expect(toErrorEnvelope(unavailable, LIMIT)).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      retryAfterSeconds: 5,
    });
    const withHint = new DomainError(ErrorCode.ServiceUnavailable, 'busy', 503, { retry_after: 1.2 });
    expect(toErrorEnvelope(withHint, LIMIT).retryAfterSeconds).toBe(2);
    const timeout = new DomainError(
      ErrorCode.UpstreamTimeout,
      'The leads service did not answer in time',
      504,
    );
    expect(toErrorEnvelope(timeout, LIMIT)).toMatchObject({
      status: 504,
      code: 'UPSTREAM_TIMEOUT',
      retryAfterSeconds: undefined,
    });
  });

  it('hides the text of a remote internal error', () => {
    const remote = new DomainError(ErrorCode.InternalError, 'relation "leads" does not exist', 500, {
      sql: 'SELECT',
    });
    expect(toErrorEnvelope(remote, LIMIT)).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      details: undefined,
      retryAfterSeconds: undefined,
      unexpected: true,
    });
  });

  it('maps Fastify body errors to 413, 415 and 400 INVALID_JSON', () => {
    expect(toErrorEnvelope(wrapped(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE()), LIMIT)).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      details: { limit_bytes: LIMIT },
    });
    expect(toErrorEnvelope(wrapped(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE()), LIMIT)).toMatchObject({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
    });
    expect(toErrorEnvelope(wrapped(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY()), LIMIT)).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    });
    expect(toErrorEnvelope(wrapped(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY()), LIMIT)).toMatchObject({
      status: 400,
      code: 'INVALID_JSON',
    });
    const syntax = Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 });
    expect(toErrorEnvelope(wrapped(syntax), LIMIT)).toMatchObject({ status: 400, code: 'INVALID_JSON' });
  });

  it('maps Nest HttpExceptions by status', () => {
    expect(toErrorEnvelope(new NotFoundException('Cannot GET /nope'), LIMIT)).toEqual({
      status: 404,
      code: 'NOT_FOUND',
      message: 'Route not found',
      unexpected: false,
    });
    expect(toErrorEnvelope(new BadRequestException('bad query'), LIMIT)).toMatchObject({
      status: 400,
      code: 'VALIDATION_ERROR',
      message: 'bad query',
    });
    expect(toErrorEnvelope(new HttpException('slow down', 429), LIMIT)).toMatchObject({
      status: 429,
      code: 'RATE_LIMIT_EXCEEDED',
    });
  });

  it('sets Retry-After on any error that names retry_after (409 IDEMPOTENCY_IN_PROGRESS), by default on 429', () => {
    expect(toErrorEnvelope(GatewayErrors.idempotencyInProgress(), LIMIT)).toMatchObject({
      status: 409,
      code: 'IDEMPOTENCY_IN_PROGRESS',
      retryAfterSeconds: 1,
    });
    expect(toErrorEnvelope(GatewayErrors.rateLimitExceeded(10, 7), LIMIT).retryAfterSeconds).toBe(7);
    expect(toErrorEnvelope(GatewayErrors.idempotencyKeyReused(), LIMIT).retryAfterSeconds).toBeUndefined();
  });

  it('turns anything unexpected into a 500 that leaks nothing', () => {
    const envelope = toErrorEnvelope(
      new TypeError("Cannot read properties of undefined (reading 'id')"),
      LIMIT,
    );
    expect(envelope).toEqual({
      status: 500,
      code: 'INTERNAL_ERROR',
      message: 'Internal server error',
      details: undefined,
      retryAfterSeconds: undefined,
      unexpected: true,
    });
    expect(toErrorEnvelope(new HttpException('db password wrong', 500), LIMIT).message).toBe(
      'Internal server error',
    );
    expect(toErrorEnvelope('a string', LIMIT).code).toBe('INTERNAL_ERROR');
    expect(toErrorEnvelope(null, LIMIT).code).toBe('INTERNAL_ERROR');
  });
});

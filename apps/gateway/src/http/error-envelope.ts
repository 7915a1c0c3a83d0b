import { HttpException } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/contracts';
import { DEFAULT_RETRY_AFTER_SECONDS, GatewayErrors } from './gateway-errors';

/** The api.md §1.3 error body, before the request id is added. */
export interface ErrorEnvelopeParts {
  status: number;
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Seconds for the `Retry-After` header (503, 429, and errors whose details name `retry_after`). */
  retryAfterSeconds?: number;
  /** Unexpected: the caller logs it with its stack. */
  unexpected: boolean;
}

const CODE_BY_STATUS: Record<number, string> = {
  400: ErrorCode.ValidationError,
  401: ErrorCode.AuthenticationError,
  403: ErrorCode.AuthorizationError,
  404: ErrorCode.NotFound,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.BusinessLogicError,
  429: ErrorCode.RateLimitExceeded,
  502: ErrorCode.ExternalServiceError,
  503: ErrorCode.ServiceUnavailable,
  504: ErrorCode.UpstreamTimeout,
};

/** Fastify's own request errors (body parsing happens before any Nest code runs). */
const FASTIFY_ERRORS: Record<string, (limitBytes: number) => DomainError> = {
  FST_ERR_CTP_BODY_TOO_LARGE: (limit) => GatewayErrors.payloadTooLarge(limit),
  FST_ERR_CTP_INVALID_MEDIA_TYPE: () => GatewayErrors.unsupportedMediaType(),
  FST_ERR_CTP_INVALID_JSON_BODY: () => GatewayErrors.invalidJson(),
  FST_ERR_CTP_EMPTY_JSON_BODY: () => GatewayErrors.invalidJson(),
};

function isDomainErrorLike(error: unknown): error is DomainError {
  if (error instanceof DomainError) return true;
  const e = error as Partial<DomainError> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.code === 'string' &&
    typeof e.status === 'number' &&
    e.status >= 400 &&
    e.status < 600 &&
    typeof e.message === 'string'
  );
}

function fromDomainError(error: DomainError): ErrorEnvelopeParts {
  const internal = error.status >= 500 && error.code === ErrorCode.InternalError;
  const retryAfter = error.details?.retry_after;
  return {
    status: error.status,
    code: error.code,
    // A remote internal error may carry implementation detail: clients get the generic text.
    message: internal ? 'Internal server error' : error.message,
    details: internal ? undefined : error.details,
    // 503 and 429 always tell when to retry; other errors only when they say (409 IDEMPOTENCY_IN_PROGRESS).
    retryAfterSeconds:
      typeof retryAfter === 'number' && retryAfter > 0
        ? Math.ceil(retryAfter)
        : error.status === 503 || error.status === 429
          ? DEFAULT_RETRY_AFTER_SECONDS
          : undefined,
    unexpected: internal,
  };
}

function fastifyCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('FST_') ? code : undefined;
}

/**
 * Maps anything thrown while serving a request to the api.md error envelope: DomainErrors (ours and the ones
 * services send back over NATS), Nest HttpExceptions, Fastify's parser errors; everything else is a 500 that
 * leaks nothing.
 */
export function toErrorEnvelope(error: unknown, bodyLimitBytes: number): ErrorEnvelopeParts {
  if (isDomainErrorLike(error)) return fromDomainError(error);

  const fastifyError = fastifyCode(error) ?? fastifyCode((error as { cause?: unknown } | null)?.cause);
  if (fastifyError && FASTIFY_ERRORS[fastifyError])
    return fromDomainError(FASTIFY_ERRORS[fastifyError](bodyLimitBytes));
  // Older parsers signal bad JSON with a SyntaxError carrying statusCode 400.
  const cause = error instanceof HttpException ? error.cause : error;
  if (cause instanceof SyntaxError && (cause as { statusCode?: number }).statusCode === 400) {
    return fromDomainError(GatewayErrors.invalidJson());
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status >= 500) return fromDomainError(GatewayErrors.internal());
    const code = CODE_BY_STATUS[status] ?? ErrorCode.ValidationError;
    const message = status === 404 ? 'Route not found' : httpExceptionMessage(error);
    return { status, code, message, unexpected: false };
  }

  // A Fastify error below 500 that has no HttpException around it (e.g. thrown from a hook).
  const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
  if (fastifyError && typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      status: statusCode,
      code: CODE_BY_STATUS[statusCode] ?? ErrorCode.ValidationError,
      message: (error as Error).message,
      unexpected: false,
    };
  }

  return { ...fromDomainError(GatewayErrors.internal()), unexpected: true };
}

function httpExceptionMessage(error: HttpException): string {
  const response = error.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.join('; ');
  return error.message;
}

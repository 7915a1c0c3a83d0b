import { DomainError, ErrorCode } from '@crm/contracts';

/** Gateway-side failures in the api.md §1.3 vocabulary; the exception filter renders them. */
export const GatewayErrors = {
  noCredentials: () =>
    new DomainError(
      ErrorCode.AuthenticationError,
      'Authentication required: send X-API-Key or Authorization',
      401,
    ),
  invalidAuthorization: () =>
    new DomainError(ErrorCode.AuthenticationError, 'Authorization must be "Bearer <access token>"', 401),
  invalidToken: () => new DomainError(ErrorCode.AuthenticationError, 'Invalid access token', 401),
  tokenExpired: () => new DomainError(ErrorCode.TokenExpired, 'Access token expired', 401),
  roleRequired: (roles: readonly string[]) =>
    new DomainError(
      ErrorCode.AuthorizationError,
      `This endpoint needs a signed-in member with role ${roles.join(' or ')}; API keys are not accepted`,
      403,
      { required_roles: roles },
    ),
  invalidCredentials: () => new DomainError(ErrorCode.AuthenticationError, 'Invalid credentials', 401),
  accountInactive: () =>
    new DomainError(ErrorCode.AccountInactive, 'This account is not active; an admin must approve it', 403),
  registrationDisabled: () =>
    new DomainError(ErrorCode.RegistrationDisabled, 'Registration is disabled on this deployment', 403),
  invalidRefreshToken: () =>
    new DomainError(ErrorCode.InvalidRefreshToken, 'Refresh token is invalid, expired or revoked', 401),
  invalidTwoFactorChallenge: () =>
    new DomainError(
      ErrorCode.AuthenticationError,
      'Sign-in challenge is invalid or already used; sign in again',
      401,
    ),
  twoFactorChallengeExpired: () =>
    new DomainError(ErrorCode.TokenExpired, 'Sign-in challenge expired; sign in again', 401),
  invalidTwoFactorCode: () => new DomainError(ErrorCode.AuthenticationError, 'Invalid two-factor code', 401),
  tooManyLoginAttempts: (retryAfterSeconds: number) =>
    new DomainError(ErrorCode.RateLimitExceeded, 'Too many failed sign-ins; try again later', 429, {
      retry_after: retryAfterSeconds,
    }),
  rateLimitExceeded: (limitPerMinute: number, retryAfterSeconds: number) =>
    new DomainError(
      ErrorCode.RateLimitExceeded,
      `Rate limit exceeded: ${limitPerMinute} requests per minute`,
      429,
      { retry_after: retryAfterSeconds },
    ),
  idempotencyInProgress: () =>
    new DomainError(
      ErrorCode.IdempotencyInProgress,
      'A request with this Idempotency-Key is still being processed; retry shortly',
      409,
      { retry_after: 1 },
    ),
  idempotencyKeyReused: () =>
    new DomainError(
      ErrorCode.IdempotencyKeyReused,
      'This Idempotency-Key was already used with a different request body',
      422,
    ),
  /** api.md §4.2: `reason` is missing_signature, bad_format, timestamp_out_of_range or mismatch. */
  invalidSignature: (reason: string, message: string) =>
    new DomainError(ErrorCode.InvalidSignature, message, 401, { reason }),
  invalidApiKey: (reason = 'Invalid API key') => new DomainError(ErrorCode.InvalidApiKey, reason, 401),
  insufficientScope: (scope: string) =>
    new DomainError(ErrorCode.InsufficientScope, `This API key lacks the '${scope}' scope`, 403, {
      required_scope: scope,
    }),
  sourceNotAllowed: (source: string) =>
    new DomainError(
      ErrorCode.SourceNotAllowed,
      `This API key may not send events for source '${source}'`,
      403,
      {
        source,
      },
    ),
  serviceUnavailable: (message: string, retryAfterSeconds = DEFAULT_RETRY_AFTER_SECONDS) =>
    new DomainError(ErrorCode.ServiceUnavailable, message, 503, { retry_after: retryAfterSeconds }),
  notFound: (message: string) => new DomainError(ErrorCode.NotFound, message, 404),
  payloadTooLarge: (limitBytes: number) =>
    new DomainError(ErrorCode.PayloadTooLarge, `Request body exceeds ${limitBytes} bytes`, 413, {
      limit_bytes: limitBytes,
    }),
  invalidJson: () => new DomainError(ErrorCode.InvalidJson, 'Request body is not valid JSON', 400),
  unsupportedMediaType: () =>
    new DomainError(
      ErrorCode.UnsupportedMediaType,
      'Request bodies must be sent as Content-Type: application/json',
      415,
    ),
  internal: () => new DomainError(ErrorCode.InternalError, 'Internal server error', 500),
};

/** What a client is told to wait after a 503 when the cause gives no better figure. */
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

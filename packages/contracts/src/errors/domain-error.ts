import { ErrorCode } from './error-codes';

export interface ValidationIssue {
  path: string;
  message: string;
  code: string;
}

/** The serialisable shape of an error as it crosses NATS and reaches the HTTP envelope. */
export interface ErrorBody {
  code: ErrorCode | string;
  message: string;
  status: number;
  details?: Record<string, unknown>;
}

/**
 * An expected failure of a use case. Services throw these; the RPC layer carries them to the gateway,
 * which renders them as the api.md error envelope with `status`.
 */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode | string,
    message: string,
    readonly status: number,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, status: this.status, details: this.details };
  }

  static fromBody(body: ErrorBody): DomainError {
    return new DomainError(body.code, body.message, body.status, body.details);
  }
}

export class ValidationFailedError extends DomainError {
  constructor(issues: ValidationIssue[], message = 'Request validation failed') {
    super(ErrorCode.ValidationError, message, 400, { validation_errors: issues });
  }
}

export class NotFoundError extends DomainError {
  constructor(resource: string, identifier: string) {
    super(ErrorCode.NotFound, `${resource} with identifier '${identifier}' not found`, 404, {
      resource,
      identifier,
    });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.Conflict, message, 409, details);
  }
}

export class BusinessRuleError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.BusinessLogicError, message, 422, details);
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, details?: Record<string, unknown>) {
    super(ErrorCode.ValidationError, message, 400, details);
  }
}

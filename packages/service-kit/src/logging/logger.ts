import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { RequestContext } from '../context/request-context';

/** Keys whose values never reach a log line: secrets and personal data. */
const REDACTED_KEYS = [
  'password',
  'token',
  'secret',
  'api_key',
  'apiKey',
  'authorization',
  'email',
  'phone',
  'first_name',
  'last_name',
  'webhook_url',
];

/**
 * Error fields that carry data rather than describe the failure: a failed query's bound parameters (a batch's
 * rows, emails among them) and PostgreSQL's `detail` ("Key (email)=(…) already exists").
 */
const ERROR_DATA_KEYS = ['parameters', 'detail', 'where'];

/** pino's error serializer, minus data fields, also on the driver error TypeORM wraps. */
export function serializeError(error: unknown): Record<string, unknown> {
  const serialized = pino.stdSerializers.err(error as Error) as unknown as Record<string, unknown>;
  if (!serialized || typeof serialized !== 'object') return serialized;
  const clean: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(serialized)) {
    if (ERROR_DATA_KEYS.includes(key)) continue;
    clean[key] = key === 'driverError' && value && typeof value === 'object' ? serializeError(value) : value;
  }
  return clean;
}

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    messageKey: 'msg',
    serializers: { err: serializeError },
    formatters: { level: (label) => ({ level: label }) },
    redact: {
      paths: [
        ...REDACTED_KEYS,
        ...REDACTED_KEYS.map((k) => `*.${k}`),
        ...REDACTED_KEYS.map((k) => `*.*.${k}`),
      ],
      censor: '[redacted]',
    },
    mixin() {
      const ctx = RequestContext.current();
      return ctx ? { correlation_id: ctx.correlationId, causation_id: ctx.causationId ?? undefined } : {};
    },
  });
}

/** Nest's LoggerService on top of pino, so framework lines are JSON with the correlation id too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest passes the context name last, and for errors a stack before it.
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...(message as object) });
    } else {
      this.logger[level]({ context, stack }, String(message));
    }
  }
}

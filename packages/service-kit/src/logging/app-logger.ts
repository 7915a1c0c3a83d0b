import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';

export const PINO_LOGGER = Symbol('PINO_LOGGER');

/**
 * The logger services inject: `this.log.child({component})`. Structured fields, never personal data;
 * the correlation id is added from the request context automatically.
 */
@Injectable()
export class AppLogger {
  constructor(@Inject(PINO_LOGGER) readonly pino: Logger) {}

  child(component: string): Logger {
    return this.pino.child({ component });
  }
}

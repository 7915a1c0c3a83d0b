import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppLogger, PINO_LOGGER } from './app-logger';
import { createLogger } from './logger';

const loggers = new Map<string, Logger>();

/** One pino logger per service in a process; bootstrap and the DI container share it. */
export function loggerFor(service: string): Logger {
  let logger = loggers.get(service);
  if (!logger) {
    logger = createLogger(service);
    loggers.set(service, logger);
  }
  return logger;
}

@Global()
@Module({})
export class LoggingModule {
  static forRoot(service: string): DynamicModule {
    return {
      module: LoggingModule,
      providers: [{ provide: PINO_LOGGER, useFactory: () => loggerFor(service) }, AppLogger],
      exports: [PINO_LOGGER, AppLogger],
    };
  }
}

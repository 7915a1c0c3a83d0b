import 'reflect-metadata';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from './config/load-config';
import { loggerFor } from './logging/logging.module';
import { PinoNestLogger } from './logging/logger';
import { RethrowRpcErrorsFilter } from './rethrow-rpc-errors.filter';

/** A transport strategy for @nestjs/microservices (kept structural so the kit does not depend on messaging). */
export interface TransportStrategy {
  listen(callback: () => void): unknown;
  close(): unknown;
}

export interface BootstrapOptions {
  service: string;
  module: Type<unknown>;
  /** reads the validated port from the app's config. */
  port: (app: INestApplication) => number;
  host?: (app: INestApplication) => string;
  /** transports to connect, e.g. the NATS/JetStream transport from @crm/messaging. */
  transports?: (app: INestApplication) => TransportStrategy[];
  configure?: (app: NestFastifyApplication) => void | Promise<void>;
  bodyLimitBytes?: number;
}

/** Starts a service the same way everywhere: JSON logs, config checked first, shutdown hooks, health port. */
export async function bootstrapService(options: BootstrapOptions): Promise<NestFastifyApplication> {
  const logger = loggerFor(options.service);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(
      options.module,
      new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? 1024 * 1024, trustProxy: true }),
      { logger: new PinoNestLogger(logger), abortOnError: false },
    );
    app.enableShutdownHooks();
    await options.configure?.(app);
    // Module init (migrations, NATS connection, stream provisioning) completes before any intake starts.
    await app.init();
    for (const strategy of options.transports?.(app) ?? []) {
      // Deferred, so the filter is registered before Nest wires the handlers; the app's own init (below) runs
      // the lifecycle hooks, so the microservice must not run them a second time.
      const microservice = app.connectMicroservice({ strategy }, { deferInitialization: true });
      microservice.useGlobalFilters(new RethrowRpcErrorsFilter());
      (microservice as unknown as { setIsInitHookCalled(called: boolean): void }).setIsInitHookCalled(true);
    }
    await app.startAllMicroservices();
    const port = options.port(app);
    await app.listen(port, options.host?.(app) ?? '0.0.0.0');
    logger.info({ port }, `${options.service} started`);
    return app;
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal({ problems: error.problems }, error.message);
    } else {
      logger.fatal({ err: error }, `${options.service} failed to start`);
    }
    // Give pino a moment to flush, then fail fast so supervisors see the exit.
    setTimeout(() => process.exit(1), 50);
    throw error;
  }
}

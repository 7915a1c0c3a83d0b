import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { GatewayConfig } from './config/gateway.config';
import { configureHttp } from './http/configure-http';
import { GATEWAY_BODY_LIMIT_BYTES } from './http/http-limits';

/** Starts the gateway; integration tests call this in-process after setting the environment. */
export async function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'gateway',
    module: AppModule,
    port: (app) => app.get(GatewayConfig).GATEWAY_PORT,
    host: (app) => app.get(GatewayConfig).HOST,
    // The transport provisions the streams (INGEST among them) before the gateway listens.
    transports: (app) => [app.get(MessagingTransport)],
    bodyLimitBytes: GATEWAY_BODY_LIMIT_BYTES,
    configure: configureHttp,
  });
}

if (require.main === module) {
  // bootstrapService has logged the reason and exits the process on failure.
  bootstrap().catch(() => undefined);
}

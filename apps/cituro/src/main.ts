import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { CituroConfig } from './config/cituro.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'cituro',
    module: AppModule,
    port: (app) => app.get(CituroConfig).CITURO_PORT,
    host: (app) => app.get(CituroConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

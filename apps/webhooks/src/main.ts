import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { WebhooksConfig } from './config/webhooks.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'webhooks',
    module: AppModule,
    port: (app) => app.get(WebhooksConfig).WEBHOOKS_PORT,
    host: (app) => app.get(WebhooksConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

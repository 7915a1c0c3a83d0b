import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { AutomationConfig } from './config/automation.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'automation',
    module: AppModule,
    port: (app) => app.get(AutomationConfig).AUTOMATION_PORT,
    host: (app) => app.get(AutomationConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

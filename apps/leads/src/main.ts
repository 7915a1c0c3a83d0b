import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { LeadsConfig } from './config/leads.config';

/** Starts the leads service; tests call it in-process after setting the environment. */
export async function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'leads',
    module: AppModule,
    port: (app) => app.get(LeadsConfig).LEADS_PORT,
    host: (app) => app.get(LeadsConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap();
}

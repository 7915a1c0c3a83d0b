import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { MocoConfig } from './config/moco.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'moco',
    module: AppModule,
    port: (app) => app.get(MocoConfig).MOCO_PORT,
    host: (app) => app.get(MocoConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

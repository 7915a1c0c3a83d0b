import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { SlackConfig } from './config/slack.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'slack',
    module: AppModule,
    port: (app) => app.get(SlackConfig).SLACK_PORT,
    host: (app) => app.get(SlackConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

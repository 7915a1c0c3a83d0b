import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { MailerConfig } from './config/mailer.config';

export function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'mailer',
    module: AppModule,
    port: (app) => app.get(MailerConfig).MAILER_PORT,
    host: (app) => app.get(MailerConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  void bootstrap().catch(() => undefined);
}

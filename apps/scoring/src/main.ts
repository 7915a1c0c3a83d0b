import 'reflect-metadata';
import { MessagingTransport } from '@crm/messaging';
import { bootstrapService } from '@crm/service-kit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ScoringConfig } from './config/scoring.config';

/** Starts the scoring service: health/ready on SCORING_PORT, the LeadEventRecorded consumer on JetStream. */
export async function bootstrap(): Promise<NestFastifyApplication> {
  return bootstrapService({
    service: 'scoring',
    module: AppModule,
    port: (app) => app.get(ScoringConfig).SCORING_PORT,
    host: (app) => app.get(ScoringConfig).HOST,
    transports: (app) => [app.get(MessagingTransport)],
  });
}

if (require.main === module) {
  // bootstrapService logs the failure and exits non-zero itself.
  bootstrap().catch(() => undefined);
}

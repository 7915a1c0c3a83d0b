import { Module } from '@nestjs/common';
import { AlertRepository } from './alert.repository';
import { AlertsMessageController } from './alerts.message-controller';
import { AlertsService } from './alerts.service';

/** Slack alerts from domain events (issue 8; api.md §15.6 `alerts`). */
@Module({
  controllers: [AlertsMessageController],
  providers: [AlertsService, AlertRepository],
})
export class AlertsModule {}

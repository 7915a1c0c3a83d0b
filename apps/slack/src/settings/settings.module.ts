import { Global, Module } from '@nestjs/common';
import { SecretCipher } from '@crm/service-kit';
import { SlackConfig } from '../config/slack.config';
import { SettingsMessageController } from './settings.message-controller';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';

/** The run-time Slack settings (api.md §15.6); used by posting, the status and the alerts. */
@Global()
@Module({
  controllers: [SettingsMessageController],
  providers: [
    SettingsRepository,
    SettingsService,
    {
      provide: SecretCipher,
      inject: [SlackConfig],
      useFactory: (config: SlackConfig) => new SecretCipher(config.encryptionKey()),
    },
  ],
  exports: [SettingsService],
})
export class SettingsModule {}

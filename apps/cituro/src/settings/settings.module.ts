import { Global, Module } from '@nestjs/common';
import { SecretCipher } from '@crm/service-kit';
import { CituroAccess } from '../cituro-client/cituro-access';
import { CituroConfig } from '../config/cituro.config';
import { SettingsMessageController } from './settings.message-controller';
import { SettingsRepository } from './settings.repository';
import { SettingsService } from './settings.service';
import { StatusCheck } from './status-check';

/** The run-time Cituro settings (api.md §15.3) and the access to Cituro they configure; used by every module. */
@Global()
@Module({
  controllers: [SettingsMessageController],
  providers: [
    SettingsRepository,
    SettingsService,
    StatusCheck,
    CituroAccess,
    {
      provide: SecretCipher,
      inject: [CituroConfig],
      useFactory: (config: CituroConfig) => new SecretCipher(config.encryptionKey()),
    },
  ],
  exports: [SettingsService, CituroAccess],
})
export class SettingsModule {}

import { Module } from '@nestjs/common';
import { MessagingModule } from '@crm/messaging';
import { ConfigModule, DatabaseModule, HealthModule, LoggingModule } from '@crm/service-kit';
import { MocoConfig } from './config/moco.config';
import { databaseOptions } from './database/database.options';
import { MocoModule } from './moco.module';

@Module({
  imports: [
    ConfigModule.forRoot('moco', MocoConfig),
    LoggingModule.forRoot('moco'),
    HealthModule.forRoot(),
    DatabaseModule.forRoot(databaseOptions),
    MessagingModule.forRoot({ service: 'moco' }),
    MocoModule,
  ],
})
export class AppModule {}

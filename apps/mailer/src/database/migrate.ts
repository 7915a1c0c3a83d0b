import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { MailerConfig } from '../config/mailer.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('mailer', MailerConfig, databaseOptions);

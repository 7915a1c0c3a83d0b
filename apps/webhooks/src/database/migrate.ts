import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { WebhooksConfig } from '../config/webhooks.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('webhooks', WebhooksConfig, databaseOptions);

import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { AutomationConfig } from '../config/automation.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('automation', AutomationConfig, databaseOptions);

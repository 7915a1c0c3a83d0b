import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { LeadsConfig } from '../config/leads.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('leads', LeadsConfig, databaseOptions);

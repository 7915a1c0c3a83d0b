import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { CituroConfig } from '../config/cituro.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('cituro', CituroConfig, databaseOptions);

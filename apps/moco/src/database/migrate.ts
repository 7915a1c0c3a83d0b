import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { MocoConfig } from '../config/moco.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('moco', MocoConfig, databaseOptions);

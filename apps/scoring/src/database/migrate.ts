import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { ScoringConfig } from '../config/scoring.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('scoring', ScoringConfig, databaseOptions);

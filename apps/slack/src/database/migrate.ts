import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { SlackConfig } from '../config/slack.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('slack', SlackConfig, databaseOptions);

import 'reflect-metadata';
import { runMigrationsCli } from '@crm/service-kit';
import { GatewayConfig } from '../config/gateway.config';
import { databaseOptions } from './database.options';

// `npm run migrate`: applies this service's migrations without starting it.
void runMigrationsCli('gateway', GatewayConfig, databaseOptions);

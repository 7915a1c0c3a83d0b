export * from './system';
export * from './api-client';

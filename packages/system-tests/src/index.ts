export * from './system';
export * from './api-client';
export * from './event-burst';
export * from './invariants';
export * from './infrastructure';
export * from './diagnostics';
export * from './member-token';

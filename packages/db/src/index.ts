export * from './client';
export * from './queries/engine';
export * from './queries/parameters';
export * from './queries/platform';
export * from './queries/sessions';
export * from './queries/trades';
export * from './queries/users';
export * as schema from './schema';
export type { Role } from './schema/users';

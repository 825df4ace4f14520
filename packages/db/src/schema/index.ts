export * from './platform';
export * from './trading';
export * from './users';

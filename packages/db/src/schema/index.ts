export * from './platform';
export * from './research';
export * from './trading';
export * from './users';

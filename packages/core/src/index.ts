export * from './ports';
export * from './types';

export * from './analyze';
export * from './extract';
export * from './political';
export * from './reading';
export * from './sources/index';

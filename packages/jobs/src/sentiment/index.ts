export * from './aggregate';
export * from './collect';

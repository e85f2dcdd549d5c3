export * from './chats/index.js';
export * from './errors/index.js';
export * from './hooks/index.js';
export * from './http/index.js';
export * from './rest/index.js';
export * from './signing/index.js';
export * from './types/index.js';
export type * from './types/rest.js';

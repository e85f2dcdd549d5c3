export type * from './chats.js';
export { MESSAGE_TYPES } from './chats.js';
export type * from './hooks.js';
export type * from './ids.js';
export { scopeIdOf } from './ids.js';

export type { Hook } from './hook.js';
export { findHook, listHooks } from './list-hooks.js';

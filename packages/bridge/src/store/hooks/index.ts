export type { Hook } from './hook.js';
export type { InsertedHook, InsertHookInput } from './insert-hook.js';
export { attachHookJob, hookDedupKey, insertHook } from './insert-hook.js';
export { findHook, listHooks } from './list-hooks.js';

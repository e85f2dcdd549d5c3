export { parseHook, parseHookBody } from './parse-hook.js';
export type * from './parsed-hook.js';

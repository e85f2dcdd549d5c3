// Entry `@amojo-bridge/sdk/testing`: helpers to sign hook bodies and build realistic hook payloads for tests and
// emulators. Nothing here is needed at run time by an integration.
export {
  type AlbumItem,
  buildAlbumHooks,
  buildCommentHook,
  buildMessageHook,
  buildMessageV1Hook,
  buildReactionHook,
  buildTypingHook,
  type HookOverrides,
  mergeHook,
} from './build-hooks.js';
export { SEED, SEED_MESSAGE_HOOK_BODY } from './seed.js';
export { type SignedHookBody, signHookBody } from './sign-hook-body.js';

export {
  type AddedWebchatChannel,
  type AddWebchatChannelDeps,
  type AddWebchatChannelInput,
  addWebchatChannel,
} from './add-webchat-channel.js';
export { originAllowed } from './check-origin.js';
export { renderWebchatDemoPage, type WebchatDemoPageInput } from './demo-page.js';
export { WEBCHAT_MAX_FRAME_BYTES, webchatFileUrl } from './handle-socket.js';
export { createPostgresWebchatHub, type PostgresWebchatHub, WEBCHAT_CHANNEL } from './postgres-webchat-hub.js';
export { createRateLimiter, type RateLimiter, type RateLimitResult } from './rate-limiter.js';
export { type RegisterWebchatRoutesOptions, registerWebchatRoutes } from './register-webchat-routes.js';
export {
  signVisitorToken,
  type VerifyVisitorTokenResult,
  type VisitorTokenFailure,
  type VisitorTokenPayload,
  verifyVisitorToken,
  visitorTokenKey,
} from './visitor-token.js';
export { readWebchatBundle, webchatAssetsDir } from './webchat-assets.js';
export { createWebchatAdapter, WEBCHAT_MESSAGE_TYPES, type WebchatAdapterOptions } from './webchat-channel.js';
export { createWebchatHub, type WebchatConnection, type WebchatHub } from './webchat-hub.js';
export { webchatChannelPlugin, webchatHubOf, webchatSnippet } from './webchat-plugin.js';
export type * from './webchat-protocol.js';
export {
  parseWebchatSettings,
  WEBCHAT_DEFAULT_MIME_TYPES,
  WEBCHAT_MAX_UPLOAD_BYTES,
  type WebchatFormField,
  type WebchatPluginSettings,
  type WebchatSettings,
  webchatSettingsOf,
  webchatSettingsSchema,
} from './webchat-settings.js';

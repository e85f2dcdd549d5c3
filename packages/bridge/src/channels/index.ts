export type {
  ChannelErrorCode,
  ChannelInstanceRecord,
  ChannelMessageContent,
  ChannelMessageType,
  ChannelRecipient,
  ChannelSender,
  ChannelSendResult,
  InboundChannelEvent,
  InboundChannelMessage,
  InboundDeliveryFailure,
  InboundReadReceipt,
  InboundTyping,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
  ReceiveResult,
} from './channel-adapter.js';
export { CHANNEL_ERROR_CODES, isChannelErrorCode } from './channel-adapter.js';
export {
  type AnyChannelPlugin,
  type ChannelAdapter,
  type ChannelCheckResult,
  ChannelEventRefusedError,
  type ChannelFetch,
  type ChannelInstanceCandidate,
  type ChannelInstanceSecret,
  type ChannelManagementContext,
  type ChannelPlugin,
  type ChannelReceiveOptions,
  type ChannelRuntime,
  ChannelSettingsError,
  defineChannelPlugin,
} from './channel-plugin.js';
export { type ChannelKind, channelPluginOf, channelPlugins, listChannelPlugins } from './channel-plugins.js';
export {
  type ChannelCapabilities,
  type ChannelRegistry,
  type ChannelRegistryOptions,
  createChannelRegistry,
  type RunningChannel,
  UnknownChannelKindError,
} from './channel-registry.js';
export {
  type CreateChannelRuntimeInput,
  createChannelRuntime,
  type OwnedChannelRuntime,
} from './create-channel-runtime.js';
export { HTTP_DEFAULT_CAPABILITIES, httpCapabilitiesOf } from './http/http-capabilities.js';
export { createHttpAdapter, HTTP_CHANNEL_TIMEOUT_MS } from './http/http-channel.js';
export { type HttpChannelEvent, parseHttpChannelEvent } from './http/http-event-schema.js';
export { httpChannelPlugin } from './http/http-plugin.js';
export { type HttpSettings, httpSettingsSchema } from './http/http-settings.js';
export { type HttpChannelFetch, postChannelEvent } from './http/post-channel-event.js';
export {
  HTTP_CHANNEL_BODY_LIMIT_BYTES,
  registerHttpChannelRoutes,
} from './http/register-http-channel-routes.js';
export {
  signWebhook,
  type VerifyWebhookResult,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  type WebhookFailureReason,
  type WebhookHeaders,
  webhookHeaders,
} from './http/webhook-signature.js';
export * from './webchat/index.js';

export type {
  ChannelAdapter,
  ChannelCapabilities,
  ChannelContext,
  ChannelErrorCode,
  ChannelFactory,
  ChannelInstanceRecord,
  ChannelMessageContent,
  ChannelMessageType,
  ChannelRecipient,
  ChannelSender,
  ChannelSendResult,
  InboundChannelEvent,
  InboundChannelMessage,
  InboundReadReceipt,
  InboundTyping,
  OutboundChannelMessage,
  OutboundReaction,
  OutboundTyping,
  ReceiveResult,
} from './channel-adapter.js';
export {
  type ChannelReceiver,
  type ChannelRegistry,
  type ChannelRegistryOptions,
  createChannelRegistry,
  UnknownChannelKindError,
} from './channel-registry.js';
export { HTTP_DEFAULT_CAPABILITIES, httpCapabilitiesOf } from './http/http-capabilities.js';
export { createHttpChannelFactory, type HttpChannelOptions, httpChannelUrl } from './http/http-channel.js';
export { type HttpChannelEvent, parseHttpChannelEvent } from './http/http-event-schema.js';
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

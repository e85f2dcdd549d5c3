export { GraphApi, GraphApiRefusal, GraphApiUnreachable } from './graph-api.js';
export { mapOutbound, templateParameterOf, textWithButtons } from './map-outbound.js';
export { mapSendError } from './map-send-error.js';
export { type MediaUrlOf, mapWebhook, type WebhookItem, WebhookShapeError } from './map-webhook.js';
export { mediaPath, mediaSignatureMatches } from './media-url.js';
export {
  registerWhatsAppRoutes,
  WHATSAPP_WEBHOOK_BODY_LIMIT_BYTES,
  whatsappWebhookPath,
} from './register-whatsapp-routes.js';
export { signatureMatches } from './verify-signature.js';
export { createWhatsAppAdapter, waIdOf } from './whatsapp-adapter.js';
export { whatsappChannelPlugin } from './whatsapp-plugin.js';
export { GRAPH_API_ROOT, type WhatsAppSettings, whatsappSettingsSchema } from './whatsapp-settings.js';
export { CUSTOMER_SERVICE_WINDOW_MS, lastCustomerMessageAt, recordCustomerMessage } from './whatsapp-windows.js';

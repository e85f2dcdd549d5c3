export {
  EmulatedBusiness,
  type EmulatedTemplate,
  type QueuedWebhook,
  type WebhookDelivery,
} from './emulated-business.js';
export { type CustomerContent, EmulatedCustomer, type SendOptions } from './emulated-customer.js';
export {
  EmulatedNumber,
  type MessageStatus,
  newMessageId,
  type SentMessage,
  type StatusOrder,
} from './emulated-number.js';
export { GraphApiError, graphErrors, type StatusError, statusErrors } from './graph-api-error.js';
export { signWebhookBody } from './sign-webhook-body.js';
export {
  startWhatsAppEmulator,
  type WhatsAppEmulator,
  type WhatsAppEmulatorOptions,
} from './start-whatsapp-emulator.js';

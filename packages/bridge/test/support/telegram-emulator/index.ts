export { BotApiFailure, failures } from './bot-api-failure.js';
export { BOT_METHODS } from './bot-methods.js';
export { EmulatedBot, type InjectedFailure, type RecordedCall, type WebhookSettings } from './emulated-bot.js';
export { type CustomerContent, type CustomerProfile, EmulatedCustomer, type SendOptions } from './emulated-customer.js';
export { REACTION_EMOJI } from './send-methods.js';
export {
  startTelegramEmulator,
  type TelegramEmulator,
  type TelegramEmulatorOptions,
} from './start-telegram-emulator.js';

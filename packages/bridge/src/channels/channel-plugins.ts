import type { AnyChannelPlugin } from './channel-plugin.js';
import { httpChannelPlugin } from './http/http-plugin.js';
import { telegramChannelPlugin } from './telegram/telegram-plugin.js';
import { webchatChannelPlugin } from './webchat/webchat-plugin.js';
import { whatsappChannelPlugin } from './whatsapp/whatsapp-plugin.js';

/**
 * Every channel kind this bridge runs, by kind. Adding a channel is one folder under `channels/` and one entry
 * here; the service, CLI, admin API and dashboard pick it up from this object alone. Each key equals its plugin's
 * `kind`.
 */
export const channelPlugins = {
  http: httpChannelPlugin,
  webchat: webchatChannelPlugin,
  telegram: telegramChannelPlugin,
  whatsapp: whatsappChannelPlugin,
} as const satisfies Readonly<Record<string, AnyChannelPlugin>>;

/** A kind of {@link channelPlugins}. */
export type ChannelKind = keyof typeof channelPlugins;

/** The plugins as a list, in registry order. */
export function listChannelPlugins(
  plugins: Readonly<Record<string, AnyChannelPlugin>> = channelPlugins,
): AnyChannelPlugin[] {
  return Object.values(plugins);
}

/** The plugin of a kind, or undefined. */
export function channelPluginOf(
  kind: string,
  plugins: Readonly<Record<string, AnyChannelPlugin>> = channelPlugins,
): AnyChannelPlugin | undefined {
  return Object.hasOwn(plugins, kind) ? plugins[kind] : undefined;
}

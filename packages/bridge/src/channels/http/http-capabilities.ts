import type { ChannelMessageType } from '../channel-adapter.js';
import type { HttpSettings } from './http-settings.js';

/** What the `http` channel carries unless an instance says otherwise: everything but edits. */
export const HTTP_DEFAULT_CAPABILITIES = {
  text: true,
  picture: true,
  file: true,
  video: true,
  voice: true,
  audio: true,
  sticker: true,
  location: true,
  contact: true,
  typing: true,
  reactions: true,
} as const satisfies Record<ChannelMessageType | 'typing' | 'reactions', boolean>;

/** What one instance carries. */
export type HttpCapabilities = { readonly [K in keyof typeof HTTP_DEFAULT_CAPABILITIES]: boolean };

/**
 * The capabilities of one instance: the defaults overridden by `settings.capabilities`, so a customer system that
 * cannot show video says so once and the bridge reports 905 to amoCRM instead of posting it.
 */
export function httpCapabilitiesOf(settings: Pick<HttpSettings, 'capabilities'>): HttpCapabilities {
  const result: Record<string, boolean> = { ...HTTP_DEFAULT_CAPABILITIES };
  for (const [key, value] of Object.entries(settings.capabilities ?? {})) {
    if (key in HTTP_DEFAULT_CAPABILITIES && typeof value === 'boolean') result[key] = value;
  }
  return result as HttpCapabilities;
}

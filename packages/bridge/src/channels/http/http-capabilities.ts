import type { ChannelCapabilities, ChannelInstanceRecord } from '../channel-adapter.js';

/** What the `http` channel carries unless an instance says otherwise: everything but edits. */
export const HTTP_DEFAULT_CAPABILITIES: ChannelCapabilities = {
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
  readReceipts: true,
  edits: false,
};

/**
 * The capabilities of one instance: the defaults overridden by `settings.capabilities` (booleans only), so a customer
 * system that cannot show video says so once and the bridge reports 905 to amoCRM instead of posting it.
 */
export function httpCapabilitiesOf(instance: ChannelInstanceRecord): ChannelCapabilities {
  const overrides = instance.settings.capabilities;
  if (!overrides || typeof overrides !== 'object') return HTTP_DEFAULT_CAPABILITIES;
  const result: Record<string, boolean> = { ...HTTP_DEFAULT_CAPABILITIES };
  for (const [key, value] of Object.entries(overrides)) {
    if (key in HTTP_DEFAULT_CAPABILITIES && typeof value === 'boolean') result[key] = value;
  }
  return result as unknown as ChannelCapabilities;
}

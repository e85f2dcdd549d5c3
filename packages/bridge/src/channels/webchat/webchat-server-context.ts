import { asChannelInstanceKey } from '../../store/ids.js';
import type { ChannelInstanceRecord } from '../channel-adapter.js';
import type { ChannelRuntime } from '../channel-plugin.js';
import type { RateLimiter } from './rate-limiter.js';
import { type VerifyVisitorTokenResult, verifyVisitorToken, visitorTokenKey } from './visitor-token.js';
import type { WebchatHub } from './webchat-hub.js';
import { type WebchatPluginSettings, type WebchatSettings, webchatSettingsOf } from './webchat-settings.js';

/** The runtime the webchat plugin gets from the bridge. */
export type WebchatRuntime = ChannelRuntime<WebchatPluginSettings>;

/** What the webchat routes share: the bridge's runtime, the live sockets and the rate limits. */
export interface WebchatServerContext {
  readonly runtime: WebchatRuntime;
  readonly hub: WebchatHub;
  readonly limiter: RateLimiter;
}

/** A webchat instance ready to serve: its record, settings and token key. */
export interface LoadedWebchatInstance {
  readonly instance: ChannelInstanceRecord<WebchatPluginSettings>;
  readonly settings: WebchatSettings;
  readonly tokenKey: Buffer;
}

/**
 * Loads an enabled `webchat` instance by its key; `undefined` for unknown, disabled or other kinds, and for an
 * instance without its secret (the key of its visitor tokens), which the bridge always generates at creation.
 */
export async function loadWebchatInstance(
  runtime: WebchatRuntime,
  key: string,
): Promise<LoadedWebchatInstance | undefined> {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(key)) return undefined;
  const instance = await runtime.findInstance(asChannelInstanceKey(key));
  if (!instance?.secret) return undefined;
  return {
    instance,
    settings: webchatSettingsOf(instance.settings),
    tokenKey: visitorTokenKey({ instanceKey: instance.key, instanceSecret: instance.secret }),
  };
}

/** Verifies a visitor token against a loaded instance. */
export function checkVisitorToken(
  runtime: Pick<WebchatRuntime, 'now'>,
  loaded: LoadedWebchatInstance,
  token: unknown,
): VerifyVisitorTokenResult {
  return verifyVisitorToken({ token, key: loaded.tokenKey, instanceKey: loaded.instance.key, now: runtime.now() });
}

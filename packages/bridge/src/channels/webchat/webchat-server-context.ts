import type { RelayDeps } from '../../pipelines/deps.js';
import { loadChannelInstance } from '../../pipelines/load-channel-instance.js';
import type { ChannelInstanceRecord } from '../channel-adapter.js';
import type { RateLimiter } from './rate-limiter.js';
import { type VerifyVisitorTokenResult, verifyVisitorToken, visitorTokenKey } from './visitor-token.js';
import type { WebchatHub } from './webchat-hub.js';
import { type WebchatSettings, webchatSettingsOf } from './webchat-settings.js';

/** What the webchat routes share: the relay, the live sockets and the rate limits. */
export interface WebchatServerContext {
  readonly deps: RelayDeps;
  readonly hub: WebchatHub;
  readonly limiter: RateLimiter;
}

/** A webchat instance ready to serve: its record, settings and token key. */
export interface LoadedWebchatInstance {
  readonly instance: ChannelInstanceRecord;
  readonly settings: WebchatSettings;
  readonly tokenKey: Buffer;
}

/** Loads an enabled `webchat` instance by its key; `undefined` for unknown, disabled or other kinds. */
export async function loadWebchatInstance(deps: RelayDeps, key: string): Promise<LoadedWebchatInstance | undefined> {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(key)) return undefined;
  const instance = await loadChannelInstance(deps, { key });
  if (instance?.kind !== 'webchat') return undefined;
  return {
    instance,
    settings: webchatSettingsOf(instance),
    tokenKey: visitorTokenKey({
      instanceKey: instance.id,
      instanceSecret: instance.secret,
      encryptionKey: deps.config.encryptionKey,
    }),
  };
}

/** Verifies a visitor token against a loaded instance. */
export function checkVisitorToken(
  deps: RelayDeps,
  loaded: LoadedWebchatInstance,
  token: unknown,
): VerifyVisitorTokenResult {
  return verifyVisitorToken({ token, key: loaded.tokenKey, instanceKey: loaded.instance.id, now: deps.now() });
}

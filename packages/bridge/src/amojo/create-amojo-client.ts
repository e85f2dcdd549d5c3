import { AmojoClient, type Fetch } from '@amojo-bridge/sdk';
import type { Logger } from '../log.js';
import type { BridgeMetrics } from '../metrics/index.js';
import { amojoCallOutcome } from './amojo-call-outcome.js';

/** What {@link createAmojoClient} needs. */
export interface CreateAmojoClientOptions {
  /** The parts of `BridgeConfig` it reads. */
  readonly config: {
    readonly channel: { readonly id: string; readonly secret: string };
    readonly amojoBaseUrl: string;
  };
  /** The client logs under `component: amojo`; without one it is silent. */
  readonly log?: Logger;
  /** Every call is counted in `amojo_calls_total{method,outcome}` once, after the SDK's own retries. */
  readonly metrics?: Pick<BridgeMetrics, 'amojoCalls'>;
  readonly now?: () => Date;
  readonly fetch?: Fetch;
}

/**
 * The one place the bridge builds its amojo client: the channel's credentials from the config, and the call metric
 * fed by the SDK's `onResponse` hook, so no call site counts by hand.
 */
export function createAmojoClient(options: CreateAmojoClientOptions): AmojoClient {
  const { config, metrics } = options;
  return new AmojoClient({
    channelId: config.channel.id,
    channelSecret: config.channel.secret,
    baseUrl: config.amojoBaseUrl,
    ...(options.log ? { log: options.log.child({ component: 'amojo' }) } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(metrics
      ? {
          onResponse: (info) => {
            const outcome = amojoCallOutcome(info);
            if (outcome) metrics.amojoCalls.inc({ method: info.operation, outcome });
          },
        }
      : {}),
  });
}

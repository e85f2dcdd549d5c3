import type { ChannelInstanceRecord } from '../channels/channel-adapter.js';
import {
  channelHoldKey,
  HARD_PROBLEMS,
  type HealthSignal,
  planNextProbe,
  readChannelHealth,
  readHardBreak,
  recordChannelHealth,
  takeProbeTurn,
} from '../channels/health/index.js';
import type { BridgeConfig } from '../config/index.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/store.js';
import { HoldJobError } from './relay-errors.js';

/** What holding and probing a broken instance uses: the store, its log, the clock and `CHANNEL_HOLD_PROBE_MS`. */
export interface HoldForBrokenChannelDeps {
  readonly store: Store;
  readonly log: Logger;
  readonly now: () => Date;
  readonly config: { readonly channels: Pick<BridgeConfig['channels'], 'holdProbeMs'> };
}

/*
 * Sends to an instance that cannot work until a person acts (a revoked token: `bad_credentials`; a blocked number:
 * `number_blocked`) are held, not failed: the job waits in its lane (the conversation's later messages behind it)
 * with no attempt used, so it is never dead-lettered for it. Modes of one instance:
 * - ok (or degraded): sends go out; a send whose result is a hard problem breaks the instance (`channels/health`)
 *   and is held, and the next probe is planned `CHANNEL_HOLD_PROBE_MS` later;
 * - broken by a hard problem: a send whose turn it is (one per instance and interval, across processes) probes
 *   the messenger; every other send is held until the planned probe without calling the messenger;
 * - back to ok (a probe went out, or management's check of new credentials passed): `recordChannelHealth` releases
 *   every job held for the instance at once, and each lane goes out in its original order.
 */

/** Before a send (`what`: its msgid, or the reaction): holds it (throws {@link HoldJobError}) while its instance is hard-broken, unless it is the probe. Resolves whether it is. */
export async function holdWhileBroken(
  deps: HoldForBrokenChannelDeps,
  instance: ChannelInstanceRecord,
  what: string,
): Promise<{ readonly probe: boolean }> {
  const broken = await readHardBreak(deps.store.db, instance.rowId);
  if (!broken) return { probe: false };
  const now = deps.now().getTime();
  const probeMs = deps.config.channels.holdProbeMs;
  const due = broken.probeAt === null || broken.probeAt <= now;
  if (due && (await takeProbeTurn(deps.store.db, { instanceRowId: instance.rowId, now, probeMs }))) {
    deps.log.info(
      { event: 'channel_probe', instanceId: instance.key, probe: what, problem: broken.problem },
      `trying the broken channel instance ${instance.key} again with ${what}`,
    );
    return { probe: true };
  }
  const waitMs = due ? probeMs : (broken.probeAt ?? now) - now;
  throw holdError(instance, what, `${broken.problem}${broken.reason ? `: ${broken.reason}` : ''}`, waitMs);
}

/**
 * After a send, what its result says about the instance: records the signal (health, alert, release of held jobs on
 * recovery), then holds the send when it was refused for a hard problem ({@link holdAfterRefusal}).
 */
export async function recordSendOutcome(
  deps: HoldForBrokenChannelDeps,
  instance: ChannelInstanceRecord,
  send: {
    readonly what: string;
    readonly signal: HealthSignal | undefined;
    readonly probe: boolean;
    readonly routedAt: number;
  },
): Promise<void> {
  const { signal } = send;
  if (signal) {
    await recordChannelHealth({
      store: deps.store,
      log: deps.log,
      now: deps.now().getTime(),
      instance,
      signal,
      probe: send.probe,
      startedAt: send.routedAt,
    });
  }
  await holdAfterRefusal(deps, instance, send);
}

/**
 * After a send: holds it when its result says the instance is broken by a hard problem, and plans the next probe.
 * `routedAt` is when the send read the instance's settings: if the instance was recorded ok after that (new
 * credentials, the check passed, while this send was out), the refusal is stale and the job runs again at once.
 */
export async function holdAfterRefusal(
  deps: HoldForBrokenChannelDeps,
  instance: ChannelInstanceRecord,
  send: { readonly what: string; readonly signal: HealthSignal | undefined; readonly routedAt: number },
): Promise<void> {
  const { signal, what } = send;
  if (!signal || signal.ok || !HARD_PROBLEMS.has(signal.problem)) return;
  const why = `${signal.problem}: ${signal.reason}`;
  const health = (await readChannelHealth(deps.store.db, [instance.rowId])).get(instance.rowId);
  if (health?.state === 'ok' && health.changedAt > send.routedAt) throw holdError(instance, what, why, 0);
  const probeMs = deps.config.channels.holdProbeMs;
  await planNextProbe(deps.store.db, { instanceRowId: instance.rowId, at: deps.now().getTime() + probeMs });
  throw holdError(instance, what, why, probeMs);
}

function holdError(instance: ChannelInstanceRecord, what: string, why: string, holdMs: number): HoldJobError {
  return new HoldJobError(
    `held ${what}: channel instance ${instance.key} is broken (${why}); waiting for it to be fixed, next try in ${Math.ceil(holdMs / 1000)} s`,
    { holdMs, heldFor: channelHoldKey(instance.rowId) },
  );
}

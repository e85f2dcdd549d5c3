import type { Logger } from '../../log.js';
import { enqueue, releaseHeldJobs } from '../../queue/index.js';
import type { Store } from '../../store/store.js';
import type { ChannelHealthChange, HealthSignal } from './channel-health.js';
import { healthOfRow, writeChannelHealth } from './channel-health-table.js';
import { nextHealth } from './next-health.js';
import { channelHoldKey } from './probe-turn.js';

/** Job kind of the operator alert (the relay job `channel-health-alert` runs it). */
export const CHANNEL_HEALTH_ALERT_JOB = 'channel-health-alert';

/** The instance a signal is about (a `ChannelInstanceRecord` or a management row). */
export interface HealthInstance {
  /** `channel_instances.id`. */
  readonly rowId: number;
  /** The instance key. */
  readonly key: string;
  readonly kind: string;
  readonly name: string | null;
}

/** Input of {@link recordChannelHealth}. */
export interface RecordChannelHealthInput {
  readonly store: Store;
  readonly log: Logger;
  readonly now: number;
  readonly instance: HealthInstance;
  readonly signal: HealthSignal;
  /**
   * Write a success even when this process saw the instance ok a moment ago: the send was a probe of an instance
   * the store says is broken (another process may have recorded it), and its recovery must not be skipped.
   */
  readonly probe?: boolean | undefined;
  /**
   * When the send this signal comes from started, ms. A failure of a send that started before the instance was last
   * recorded ok is stale (its credentials were replaced while it was out) and is not recorded.
   */
  readonly startedAt?: number | undefined;
}

// A success on an instance this process last saw ok is not written again for this long, so the hot path (every
// accepted send) costs no write; a failure is always written. A process that missed another one's `broken` write
// clears it at its first success after this delay.
const OK_REWRITE_MS = 5_000;
const seenOk = new WeakMap<Store, Map<number, number>>();

/**
 * Records one signal about an instance (`channel_health`, migration 0015) and, when the state changes, logs it; when
 * it becomes `broken`, or recovers from `broken` to `ok`, enqueues the operator alert in the same transaction (the
 * queue retries it; the alert's handler sends it to `CHANNEL_ALERT_URL` if set). On that recovery the sends held for
 * the instance (`channelHoldKey`, held by `pipelines/hold-for-broken-channel.ts`) are released in the same
 * transaction, so they go out at once, each lane in order. Safe across processes: the row is
 * read and written in one transaction (locked on PostgreSQL). Resolves the change, if any. Never throws for a
 * failure of its own (logged): health must not fail a delivery.
 */
export async function recordChannelHealth(input: RecordChannelHealthInput): Promise<ChannelHealthChange | undefined> {
  const { store, instance, signal, now } = input;
  let cache = seenOk.get(store);
  if (!cache) {
    cache = new Map();
    seenOk.set(store, cache);
  }
  if (
    signal.ok &&
    signal.source === 'send' &&
    !input.probe &&
    now - (cache.get(instance.rowId) ?? Number.NEGATIVE_INFINITY) < OK_REWRITE_MS
  ) {
    return undefined;
  }
  try {
    const change = await store.transaction(async (trx) => {
      let query = trx.selectFrom('channel_health').selectAll().where('channel_instance_id', '=', instance.rowId);
      if (store.dialect === 'postgres') query = query.forUpdate();
      const row = await query.executeTakeFirst();
      const current = row ? healthOfRow(row) : undefined;
      const started = input.startedAt;
      if (!signal.ok && started !== undefined && current?.state === 'ok' && current.changedAt > started)
        return undefined;
      const next = nextHealth(current, signal, now);
      if (signal.ok && current?.state === 'ok' && current.consecutiveFailures === 0) return undefined;
      await writeChannelHealth(trx, instance.rowId, next);
      const from = current?.state ?? 'unknown';
      if (from === next.state) return undefined;
      const changed: ChannelHealthChange = {
        instanceKey: instance.key,
        kind: instance.kind,
        name: instance.name,
        from,
        to: next.state,
        problem: next.problem,
        reason: next.reason,
        at: now,
      };
      if (next.state === 'broken' || (from === 'broken' && next.state === 'ok')) {
        await enqueue(trx, { kind: CHANNEL_HEALTH_ALERT_JOB, payload: changed, maxAttempts: 25, now });
      }
      if (from === 'broken' && next.state === 'ok') {
        await releaseHeldJobs(trx, { heldFor: channelHoldKey(instance.rowId), now });
      }
      return changed;
    });
    if (signal.ok) cache.set(instance.rowId, now);
    else cache.delete(instance.rowId);
    if (change) logChange(input.log, change);
    return change;
  } catch (error) {
    input.log.warn(
      { err: error, event: 'channel_health_write_failed', instanceId: instance.key },
      'channel health could not be recorded',
    );
    return undefined;
  }
}

function logChange(log: Logger, change: ChannelHealthChange): void {
  const fields = {
    event: 'channel_health_changed',
    instanceId: change.instanceKey,
    kind: change.kind,
    from: change.from,
    to: change.to,
    problem: change.problem,
    reason: change.reason,
  };
  const text = `channel instance ${change.instanceKey} (${change.kind}) is ${change.to}${
    change.to === 'ok' ? '' : `: ${change.problem}${change.reason ? ` (${change.reason})` : ''}`
  }`;
  if (change.to === 'broken') log.error(fields, text);
  else if (change.to === 'degraded') log.warn(fields, text);
  else log.info(fields, text);
}

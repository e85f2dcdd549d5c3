import type { ChannelHealthTable } from '../../store/database.js';
import type { Executor } from '../../store/store.js';
import type { ChannelHealth, ChannelHealthState, ChannelProblem, HealthSignalSource } from './channel-health.js';

/** Maps a `channel_health` row to {@link ChannelHealth}. */
export function healthOfRow(row: ChannelHealthTable): ChannelHealth {
  return {
    state: row.state as ChannelHealthState,
    problem: (row.problem as ChannelProblem | null) ?? null,
    reason: row.reason,
    consecutiveFailures: Number(row.consecutive_failures),
    source: row.source as HealthSignalSource,
    changedAt: Number(row.changed_at),
    updatedAt: Number(row.updated_at),
    lastErrorAt: row.last_error_at === null ? null : Number(row.last_error_at),
  };
}

/** The stored health of instances by `channel_instances.id` (all of them when `ids` is omitted). */
export async function readChannelHealth(db: Executor, ids?: readonly number[]): Promise<Map<number, ChannelHealth>> {
  if (ids && ids.length === 0) return new Map();
  let query = db.selectFrom('channel_health').selectAll();
  if (ids) query = query.where('channel_instance_id', 'in', [...ids]);
  const rows = await query.execute();
  return new Map(rows.map((row) => [Number(row.channel_instance_id), healthOfRow(row)]));
}

/** Writes the health of one instance (insert or replace). */
export async function writeChannelHealth(db: Executor, instanceRowId: number, health: ChannelHealth): Promise<void> {
  const values = {
    state: health.state,
    problem: health.problem,
    reason: health.reason,
    consecutive_failures: health.consecutiveFailures,
    source: health.source,
    changed_at: health.changedAt,
    updated_at: health.updatedAt,
    last_error_at: health.lastErrorAt,
  };
  await db
    .insertInto('channel_health')
    .values({ channel_instance_id: instanceRowId, ...values })
    .onConflict((oc) => oc.column('channel_instance_id').doUpdateSet(values))
    .execute();
}

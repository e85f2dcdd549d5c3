import type { Executor } from '../../store/store.js';
import { HARD_PROBLEMS } from './channel-health.js';
import { healthOfRow } from './channel-health-table.js';

/** The queue's hold key of sends waiting for an instance (`channel_instances.id`) to work again. */
export function channelHoldKey(instanceRowId: number): string {
  return `channel:${instanceRowId}`;
}

/** An instance broken by a problem only a person can fix, as a send about to go out sees it. */
export interface HardBreak {
  readonly problem: string;
  readonly reason: string | null;
  /** When the next probe may go out, ms; null when none was planned. */
  readonly probeAt: number | null;
}

/** The instance's hard break (`bad_credentials`, `number_blocked`), or undefined when it may be sent to. */
export async function readHardBreak(db: Executor, instanceRowId: number): Promise<HardBreak | undefined> {
  const row = await db
    .selectFrom('channel_health')
    .selectAll()
    .where('channel_instance_id', '=', instanceRowId)
    .executeTakeFirst();
  if (!row) return undefined;
  const health = healthOfRow(row);
  if (health.state !== 'broken' || !health.problem || !HARD_PROBLEMS.has(health.problem)) return undefined;
  return {
    problem: health.problem,
    reason: health.reason,
    probeAt: row.probe_at === null ? null : Number(row.probe_at),
  };
}

/**
 * Takes the instance's probe turn: true for exactly one caller per interval (across processes: a conditional
 * update of its `channel_health` row), which may try the messenger now; the next turn is `probeMs` later.
 */
export async function takeProbeTurn(
  db: Executor,
  input: { readonly instanceRowId: number; readonly now: number; readonly probeMs: number },
): Promise<boolean> {
  const result = await db
    .updateTable('channel_health')
    .set({ probe_at: input.now + input.probeMs })
    .where('channel_instance_id', '=', input.instanceRowId)
    .where('state', '=', 'broken')
    .where((eb) => eb.or([eb('probe_at', 'is', null), eb('probe_at', '<=', input.now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Plans the instance's next probe at `at` (after a send found it broken), so other held sends wait until then. */
export async function planNextProbe(db: Executor, input: { readonly instanceRowId: number; readonly at: number }) {
  await db
    .updateTable('channel_health')
    .set({ probe_at: input.at })
    .where('channel_instance_id', '=', input.instanceRowId)
    .execute();
}

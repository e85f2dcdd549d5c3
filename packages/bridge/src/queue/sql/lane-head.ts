import { runStatement, statement } from '../../store/statement.js';
import type { Executor, StoreDialect } from '../../store/store.js';
import { LIVE_STATES } from './predicates.js';

// After a lane's head finished (done or discarded), the lane's lowest live job is its new head. On PostgreSQL this
// runs as its own statement after the one that finished the head, so its snapshot sees every job an enqueuer
// committed meanwhile: an enqueuer that saw the old head still live (see `enqueue-jobs.ts`) left its job unflagged,
// and this is what flags it.
const PROMOTE_NEXT = statement(`
  update jobs set lane_head = 1
  where id = (select id from jobs where lane = ? and state in ${LIVE_STATES} order by id limit 1) and lane_head = 0
`);

/** Flags the new head of `lane` after its head finished; a no-op when the lane is empty or already has one. */
export async function promoteLaneHead(db: Executor, lane: string, dialect?: StoreDialect): Promise<void> {
  await runStatement(db, PROMOTE_NEXT, [lane], dialect);
}

const PROMOTE_NEXT_MANY_POSTGRES = statement(`
  update jobs set lane_head = 1
  where id in (
    select (select o.id from jobs o where o.lane = l.lane and o.state in ${LIVE_STATES} order by o.id limit 1)
    from unnest(?::text[]) as l(lane)
  ) and lane_head = 0
`);

/** {@link promoteLaneHead} for several lanes: one statement on PostgreSQL. */
export async function promoteLaneHeads(db: Executor, lanes: readonly string[], dialect: StoreDialect): Promise<void> {
  if (lanes.length === 0) return;
  if (dialect === 'postgres') {
    await runStatement(db, PROMOTE_NEXT_MANY_POSTGRES, [lanes], dialect);
    return;
  }
  for (const lane of lanes) await promoteLaneHead(db, lane, dialect);
}

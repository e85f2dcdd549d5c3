import { type Kysely, type Migration, type SqlBool, sql } from 'kysely';

/**
 * 0008: claiming reads runnable lane heads straight from an index. `jobs.lane_head` is 1 for a lane's first live
 * job (queued, running or dead) and for every job without a lane; the queue keeps it so (enqueue, complete,
 * discard: `queue/sql/`). `jobs_runnable` holds exactly the queued heads, in id order, so a claim reads about as many
 * rows as it takes whatever the backlog behind them; `jobs_lane_running` answers "does this lane run a job" in one
 * seek. Measured with no-op handlers (bench/queue.mjs, SQLite, concurrency 8, same run): see queue/README.md.
 */
export function queueLaneHeadsMigration(): Migration {
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .alterTable('jobs')
        .addColumn('lane_head', 'integer', (c) => c.notNull().defaultTo(1))
        .execute();
      // Existing live jobs behind an earlier live job of their lane are not heads.
      await sql`
        update jobs set lane_head = 0
        where lane is not null and state in ('queued', 'running', 'dead') and exists (
          select 1 from jobs o where o.lane = jobs.lane and o.state in ('queued', 'running', 'dead') and o.id < jobs.id
        )
      `.execute(db);
      await db.schema
        .createIndex('jobs_runnable')
        .on('jobs')
        .column('id')
        .where(sql<SqlBool>`state = 'queued' and lane_head = 1`)
        .execute();
      await db.schema
        .createIndex('jobs_lane_running')
        .on('jobs')
        .column('lane')
        .where(sql<SqlBool>`state = 'running'`)
        .execute();
    },
  };
}

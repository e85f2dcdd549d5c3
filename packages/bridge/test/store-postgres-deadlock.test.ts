import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../src/store/open-store.js';
import type { Executor, Store } from '../src/store/store.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';

// Two transactions that lock two rows in opposite orders: PostgreSQL aborts one of them (40P01). The store runs the
// aborted one again, so both callers see their transaction committed, and each committed exactly once.
describe('postgres store transactions after a deadlock', () => {
  let database: TestDatabase;
  let store: Store;
  const warnings: object[] = [];
  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    store = openStore({ databaseUrl: database.databaseUrl, log: { warn: (fields) => warnings.push(fields) } });
    await sql`create table pair (id int primary key, n int not null)`.execute(store.db);
    await sql`create table runs (who text not null)`.execute(store.db);
    await sql`insert into pair values (1, 0), (2, 0)`.execute(store.db);
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('runs the aborted transaction again and both commit once', async () => {
    let bothHoldFirstRow: () => void = () => {};
    const barrier = new Promise<void>((resolve) => {
      let waiting = 2;
      bothHoldFirstRow = () => {
        waiting--;
        if (waiting === 0) resolve();
      };
    });
    const attempts = { a: 0, b: 0 };
    const crosswise = (who: 'a' | 'b', first: number, second: number) => (trx: Executor) =>
      (async () => {
        attempts[who]++;
        await sql`update pair set n = n + 1 where id = ${first}`.execute(trx);
        if (attempts[who] === 1) {
          bothHoldFirstRow();
          await barrier;
        }
        await sql`update pair set n = n + 1 where id = ${second}`.execute(trx);
        await sql`insert into runs values (${who})`.execute(trx);
        return who;
      })();
    const results = await Promise.all([
      store.transaction(crosswise('a', 1, 2)),
      store.transaction(crosswise('b', 2, 1)),
    ]);
    expect(results).toEqual(['a', 'b']);
    // One side ran twice: its first attempt was the deadlock's victim and left nothing behind.
    expect(attempts.a + attempts.b).toBe(3);
    const runs = await sql<{ who: string }>`select who from runs order by who`.execute(store.db);
    expect(runs.rows.map((r) => r.who)).toEqual(['a', 'b']);
    const pair = await sql<{ n: number }>`select n from pair order by id`.execute(store.db);
    expect(pair.rows.map((r) => r.n)).toEqual([2, 2]);
    expect(warnings).toEqual([{ event: 'transaction_retried', attempt: 1, code: '40P01' }]);
  }, 30_000);

  it('does not run a transaction again for an error that is not a deadlock', async () => {
    let runs = 0;
    await expect(
      store.transaction(async (trx) => {
        runs++;
        await sql`insert into pair values (1, 0)`.execute(trx);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(runs).toBe(1);
  });
});

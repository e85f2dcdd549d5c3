// Issue 9 part 4: /readyz fails when the database answers but cannot write (disk full, read-only file or replica).
// The write failure is the database's own: a trigger that raises on the probe table, on both engines.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINES } from './support/databases.js';
import { createRelayHarness, type RelayHarness } from './support/relay-harness.js';

describe.each(ENGINES)('/readyz write probe (%s)', (engine) => {
  let h: RelayHarness;
  beforeAll(async () => {
    h = await createRelayHarness({ engine });
  });
  afterAll(async () => {
    await h?.close();
  });

  const readyz = async () => {
    const answer = await fetch(`${h.bridge.url}/readyz`);
    return { status: answer.status, body: (await answer.json()) as { checks: { name: string; ok: boolean }[] } };
  };

  it('answers 503 naming the write check while writes fail, and 200 again once they succeed', async () => {
    expect((await readyz()).status).toBe(200);
    const db = h.bridge.store.db;
    if (engine === 'sqlite') {
      for (const event of ['insert', 'update']) {
        await sql
          .raw(
            `create trigger write_probes_full_${event} before ${event} on write_probes begin select raise(fail, 'database or disk is full'); end`,
          )
          .execute(db);
      }
    } else {
      await sql
        .raw(
          `create function write_probes_full() returns trigger language plpgsql as $$ begin raise exception 'could not extend file: No space left on device'; end $$`,
        )
        .execute(db);
      await sql
        .raw(
          'create trigger write_probes_full before insert or update on write_probes for each row execute function write_probes_full()',
        )
        .execute(db);
    }
    const failing = await readyz();
    expect(failing.status).toBe(503);
    expect(failing.body.checks).toContainEqual(expect.objectContaining({ name: 'database_write', ok: false }));
    expect(failing.body.checks).toContainEqual(expect.objectContaining({ name: 'database', ok: true }));
    if (engine === 'sqlite') {
      await sql.raw('drop trigger write_probes_full_insert').execute(db);
      await sql.raw('drop trigger write_probes_full_update').execute(db);
    } else {
      await sql.raw('drop trigger write_probes_full on write_probes').execute(db);
    }
    expect((await readyz()).status).toBe(200);
  });
});

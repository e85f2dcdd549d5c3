import { insertJobsCte, LANE_LOCK_NAMESPACE } from '../queue/sql/enqueue-job.js';
import { asHookRowId, type HookRowId } from '../store/ids.js';
import { afterCommit } from '../store/job-signal.js';
import { toJson } from '../store/json.js';
import { scopedDedupKey } from '../store/ops/insert-hook-record.js';
import { runStatement, statement } from '../store/statement.js';
import type { Executor } from '../store/store.js';
import { type AcceptHookInput, type AcceptHookResult, dedupKeyOf, jobFor } from './classify-hook.js';

// Round trip 1: take the lane locks of the group (sorted, so two groups never wait for each other in a cycle),
// read the scopes' accounts, and draw the hook ids (so job payloads can name their hook before anything is written).
// The locks are held to the end of the transaction: job ids drawn in round trip 2 follow commit order per lane, as
// `enqueue` guarantees (queue/sql/enqueue-job.ts).
const PREPARE = statement(`
  select
    (select count(*) from (
      select pg_advisory_xact_lock(?, hashtext(l)) from (select distinct l from unnest(?::text[]) l order by l) s
    ) locked) as locked,
    (select coalesce(json_agg(json_build_array(scope_id, state, amojo_account_id)), '[]'::json)
       from accounts where scope_id = any(?::text[])) as accounts,
    (select array_agg(nextval(pg_get_serial_sequence('hooks', 'id')) order by n)
       from generate_series(1, ?::int) n) as ids
`);

// Round trip 2: every hook row and every job of the group in one statement. A hook whose dedup key is taken (an
// earlier delivery, or an earlier hook of this very group) is logged as `duplicate` with `duplicate_of` and gets no
// job. The jobs part is the queue's own SQL (`insertJobsCte`).
const INSERT = statement(`
  with h_in as (
    select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[])
      as t(id, scope_id, kind, raw_body, dedup_key, outcome, reason, received_at)
  ),
  ins as (
    insert into hooks (id, scope_id, kind, raw_body, signature_ok, dedup_key, outcome, reason, received_at)
    select id, scope_id, kind, raw_body, 1, dedup_key, outcome, reason, received_at from h_in order by id
    on conflict (dedup_key) do nothing
    returning id
  ),
  dup as (
    insert into hooks (id, scope_id, kind, raw_body, signature_ok, dedup_key, outcome, reason, duplicate_of, received_at)
    select h.id, h.scope_id, h.kind, h.raw_body, 1, null, 'duplicate', h.reason,
      coalesce(
        (select o.id from hooks o where o.dedup_key = h.dedup_key),
        (select min(h2.id) from h_in h2 where h2.dedup_key = h.dedup_key and h2.id in (select id from ins))),
      h.received_at
    from h_in h where h.id not in (select id from ins)
    returning id
  ),
  j_in as (
    select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::int[])
      as t(hook_id, kind, lane, payload, max_attempts)
  ),
  jobs_ins as (${insertJobsCte('j_in', 'hook_id', 'ins')})
  select 'hook' as what, id, null as payload from ins
  union all select 'duplicate', id, null from dup
  union all select 'job', id, payload from jobs_ins
`);

// Round trip 3: hooks point at their jobs (the hooks were written in the same statement as the jobs, which it could
// not update).
const LINK = statement(`
  update hooks set job_id = v.job_id from unnest(?::bigint[], ?::bigint[]) as v(hook_id, job_id)
  where hooks.id = v.hook_id
`);

interface Planned {
  readonly index: number;
  readonly hookId: HookRowId;
  readonly kind: string;
  readonly dedupKey: string | null;
  readonly outcome: 'accepted' | 'rejected';
  readonly reason: string | null;
  readonly job?: {
    readonly kind: string;
    readonly lane: string | null;
    readonly payload: string;
    readonly maxAttempts: number;
  };
}

/**
 * {@link acceptHook} for a whole commit group on PostgreSQL, in three round trips however many hooks (it was about
 * three per hook: ~190 sequential round trips for a group of 64). Same rows and results as calling `acceptHook` for
 * each input in order inside `trx`.
 */
export async function acceptHooksPostgres(
  trx: Executor,
  inputs: readonly AcceptHookInput[],
): Promise<AcceptHookResult[]> {
  if (inputs.length === 0) return [];
  const lanes: string[] = [];
  const draft = inputs.map((input) => {
    const c = input.classified;
    const hook = c.ok ? c.hook : undefined;
    // A draft for its lane only (hook ids are drawn in the round trip below, which needs the lanes first).
    const job = hook ? jobFor(input.scopeId, hook, asHookRowId(0), input.rawBody) : undefined;
    if (job?.lane) lanes.push(job.lane);
    return job;
  });
  const scopes = [...new Set(inputs.map((i) => i.scopeId))];
  const prepared = await runStatement<{ accounts: [string, string, string][]; ids: (number | string)[] }>(
    trx,
    PREPARE,
    [LANE_LOCK_NAMESPACE, lanes, scopes, inputs.length],
    'postgres',
  );
  const row = prepared.rows[0];
  if (!row) throw new Error('intake: the group preparation returned no row');
  const accounts = new Map(row.accounts.map(([scope, state, amojoAccountId]) => [scope, { state, amojoAccountId }]));
  const ids = row.ids.map(Number);
  const results: (AcceptHookResult | undefined)[] = [];
  const planned: Planned[] = [];
  inputs.forEach((input, index) => {
    const account = accounts.get(input.scopeId);
    if (account?.state !== 'connected') {
      const why = account ? 'is disconnected' : 'is not connected to this bridge';
      results[index] = { outcome: 'unknown_scope', reason: `scope ${input.scopeId} ${why}` };
      return;
    }
    const hookId = asHookRowId(ids[index] as number);
    const c = input.classified;
    // As acceptHook: a hook whose account_id is not the scope's account is refused and stores nothing.
    if (c.ok && 'accountId' in c.hook && c.hook.accountId !== account.amojoAccountId) {
      results[index] = {
        outcome: 'account_mismatch',
        reason: `the hook's account_id is not the account of scope ${input.scopeId}`,
      };
      return;
    }
    if (!c.ok) {
      planned.push({ index, hookId, kind: c.kind, dedupKey: null, outcome: 'rejected', reason: c.reason });
      return;
    }
    const job = draft[index] ? jobFor(input.scopeId, c.hook, hookId, input.rawBody) : undefined;
    planned.push({
      index,
      hookId,
      kind: c.hook.kind,
      dedupKey: scopedDedupKey(input.scopeId, dedupKeyOf(c.hook, input.rawBody)),
      outcome: 'accepted',
      reason: null,
      ...(job
        ? {
            job: {
              kind: job.kind,
              lane: job.lane ?? null,
              payload: toJson(job.payload),
              maxAttempts: job.maxAttempts,
            },
          }
        : {}),
    });
  });
  if (planned.length > 0) {
    const now = inputs[0]?.now ?? Date.now();
    const withJobs = planned.filter((p) => p.job);
    const written = await runStatement<{ what: string; id: number; payload: string | null }>(
      trx,
      INSERT,
      [
        planned.map((p) => p.hookId),
        planned.map((p) => inputs[p.index]?.scopeId),
        planned.map((p) => p.kind),
        planned.map((p) => inputs[p.index]?.rawBody),
        planned.map((p) => p.dedupKey),
        planned.map((p) => p.outcome),
        planned.map((p) => p.reason),
        planned.map((p) => inputs[p.index]?.now ?? now),
        withJobs.map((p) => p.hookId),
        withJobs.map((p) => p.job?.kind),
        withJobs.map((p) => p.job?.lane),
        withJobs.map((p) => p.job?.payload),
        withJobs.map((p) => p.job?.maxAttempts),
        now,
        now,
        now,
      ],
      'postgres',
    );
    const duplicates = new Set<number>();
    const jobByPayload = new Map<string, number>();
    for (const r of written.rows) {
      if (r.what === 'duplicate') duplicates.add(Number(r.id));
      else if (r.what === 'job' && r.payload !== null) jobByPayload.set(r.payload, Number(r.id));
    }
    const links: [number, number][] = [];
    for (const p of planned) {
      if (p.outcome === 'rejected') {
        results[p.index] = { hookId: p.hookId, kind: p.kind, outcome: 'rejected', reason: p.reason ?? '' };
        continue;
      }
      if (duplicates.has(p.hookId)) {
        results[p.index] = { hookId: p.hookId, kind: p.kind, outcome: 'duplicate' };
        continue;
      }
      if (p.job) {
        const jobId = jobByPayload.get(p.job.payload);
        if (jobId === undefined) throw new Error(`intake: the job of hook ${p.hookId} was not written`);
        links.push([p.hookId, jobId]);
      }
      results[p.index] = { hookId: p.hookId, kind: p.kind, outcome: 'accepted' };
    }
    if (links.length > 0) {
      await runStatement(trx, LINK, [links.map((l) => l[0]), links.map((l) => l[1])], 'postgres');
      afterCommit(trx, (signal) => signal.emit());
    }
  }
  return results as AcceptHookResult[];
}

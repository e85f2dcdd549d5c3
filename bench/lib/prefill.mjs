// `--prefill=N`: fills a bridge's database with N finished jobs and N hooks (and the messages, statuses and
// conversations they stand for) before an intake or relay figure, so the figure shows what a database that the
// retention has not emptied yet costs. Runs inside the bridge process (server-process.mjs, `prefill` message), on the
// bridge's own store, after its migrations and the bench's setup, before any measured traffic.
//
// What is written, per N (shapes copied from what the intake and the relay write: a real v2 message hook body, the
// job `jobFor` makes of it, the scoped dedup key):
//   conversations  N / 100 (at least 1) of the bench's account (and http channel instance when there is one), keys
//                  `prefill-chat-<row id - 1>`, amojo chat ids `<spread>-f0f1-4000-8000-<row id - 1>`; one client
//                  participant each
//   jobs           N `deliver-to-channel` jobs, state `done`, attempts 1, lane `out:<amojo chat id>` of a prefill chat
//   hooks          N accepted message hooks, each linked to its job (`job_id`), dedup key `<scope>|<amojo msg id>`,
//                  amojo message ids `<spread>-f0f0-4000-8000-<hook id>`
//   messages       N outbound messages (status `delivered`) spread round robin over the prefill conversations, and one
//                  `message_statuses` row each
// Times are spread over the 48 hours before now: inside the default retention (jobs 72 h, hooks 30 days), so the rows
// are what a bridge relaying ~6 messages/s holds in steady state even with maintenance running. Message and chat ids
// are UUID-shaped and start with a multiplicative hash of the row number, so they spread over the whole key space as
// the real random UUIDs do: a figure's inserts into the unique indexes (`hooks.dedup_key`, `messages.msgid`,
// `messages.amojo_msgid`) land all over the 1M-entry index, not in a small region of their own next to a sequential
// block. (The `<spread>` prefix is never `00000000`-like sequential; the tags `f0f0`-`f0f2` keep kinds apart.)
// Rows get explicit ids above every id in use (PostgreSQL: the identity sequences are moved past them first).
// After the fill: SQLite `wal_checkpoint(TRUNCATE)` (a running bridge would have checkpointed these commits long
// ago; no ANALYZE: the bridge never runs it, so a production SQLite file has no statistics); PostgreSQL `VACUUM
// ANALYZE` of the filled tables, what autovacuum would have done to rows this old (and so that it does not start
// during the figure), then a CHECKPOINT.

import { buildMessageHook } from '@amojo-bridge/sdk/testing';
import { CompiledQuery } from 'kysely';
import { classifyHook, dedupKeyOf, jobFor } from '../../packages/bridge/dist/intake/classify-hook.js';
import { scopedDedupKey } from '../../packages/bridge/dist/store/ops/insert-hook-record.js';

const MSG = '00000000-0000-4000-8000-00000000b0d1';
const CHAT = '00000000-0000-4000-8000-00000000c4a7';
const HOOK_ID = 424242424242;
const CHUNK = 200_000;
const SPAN_MS = 48 * 3_600_000;
const TABLES = ['conversations', 'participants', 'jobs', 'hooks', 'messages', 'message_statuses'];

/** The templates: one hook body, its job and dedup key, with placeholders for the message and chat ids. */
function templates(scopeId, amojoAccountId) {
  const hook = buildMessageHook({
    account_id: amojoAccountId,
    message: { conversation: { id: CHAT }, message: { id: MSG, text: 'Bench reply' } },
  });
  const rawBody = JSON.stringify(hook);
  const classified = classifyHook(rawBody);
  if (!classified.ok) throw new Error(`prefill: the template hook does not parse: ${classified.reason}`);
  const job = jobFor(scopeId, classified.hook, HOOK_ID, rawBody);
  const payload = JSON.stringify(job.payload);
  for (const [name, text] of [
    ['raw body', rawBody],
    ['payload', payload],
  ]) {
    if (!text.includes(MSG) || !text.includes(CHAT)) throw new Error(`prefill: the template ${name} lost its ids`);
  }
  if (!payload.includes(`"hookId":${HOOK_ID}`)) throw new Error('prefill: the job payload has no hook id');
  if (job.lane !== `out:${CHAT}`) throw new Error(`prefill: unexpected lane ${job.lane}`);
  return {
    rawBody,
    payload,
    kind: job.kind,
    maxAttempts: job.maxAttempts,
    dedupKey: scopedDedupKey(scopeId, dedupKeyOf(classified.hook, rawBody)),
  };
}

/** `@name` placeholders to positional parameters (`?` or `$n`, with a cast on PostgreSQL). */
function compile(dialect, text, values) {
  const params = [];
  const out = text.replace(/@([a-zA-Z][a-zA-Z0-9]*)(?:::([a-z]+))?/g, (_match, name, type) => {
    if (!(name in values)) throw new Error(`prefill: no value for @${name}`);
    params.push(values[name]);
    if (dialect === 'postgres') return `$${params.length}${type ? `::${type}` : ''}`;
    // better-sqlite3 binds a JS number as REAL: integers are cast back, or `'x' || n` would read `x1.0`.
    return type === 'bigint' || type === 'int' ? 'cast(? as integer)' : '?';
  });
  return CompiledQuery.raw(out, params);
}

/**
 * An insert of rows `from..to` of a series `s(n)`: `columns` and `select` are shared, the series is a recursive CTE
 * on SQLite and generate_series on PostgreSQL. In `select`, `{pad:expr}` is expr zero-padded to 12 digits and
 * `{uuid:tttt:expr}` a UUID-shaped key unique per expr (`<8 hex spread>-tttt-4000-8000-<expr, 12 digits>`).
 */
function insertSeries(dialect, table, columns, select) {
  const pad = (expr) => (dialect === 'postgres' ? `lpad((${expr})::text, 12, '0')` : `printf('%012d', ${expr})`);
  // Knuth's multiplicative hash mod 2^32 (a bijection): consecutive rows get prefixes spread over the whole key space.
  const spread = (expr) =>
    dialect === 'postgres'
      ? `lpad(to_hex(((${expr}) * 2654435761) % 4294967296), 8, '0')`
      : `printf('%08x', ((${expr}) * 2654435761) % 4294967296)`;
  const body = select
    .replace(
      /\{uuid:([0-9a-f]{4}):([^}]+)\}/g,
      (_m, tag, expr) => `(${spread(expr)} || '-${tag}-4000-8000-' || ${pad(expr)})`,
    )
    .replace(/\{pad:([^}]+)\}/g, (_m, expr) => pad(expr));
  if (dialect === 'postgres') {
    return `insert into ${table} (${columns}) select ${body} from generate_series(@from::bigint, @to::bigint) as s(n)`;
  }
  return `with recursive s(n) as (select @from::bigint union all select n + 1 from s where n < @to::bigint)
    insert into ${table} (${columns}) select ${body} from s`;
}

/** Ids above every id of `table` in use (and, on PostgreSQL, the identity moved past the block); resolves the base. */
async function reserveIds(db, dialect, table, count) {
  if (dialect === 'postgres') {
    const seq = `pg_get_serial_sequence('${table}', 'id')`;
    const { rows } = await db.executeQuery(
      CompiledQuery.raw(`select greatest(coalesce((select max(id) from ${table}), 0), nextval(${seq})) as base`),
    );
    const base = Number(rows[0].base);
    await db.executeQuery(CompiledQuery.raw(`select setval(${seq}, $1::bigint)`, [base + count]));
    return base;
  }
  const { rows } = await db.executeQuery(
    CompiledQuery.raw(
      `select max(coalesce((select max(id) from ${table}), 0),
        coalesce((select seq from sqlite_sequence where name = ?), 0)) as base`,
      [table],
    ),
  );
  return Number(rows[0].base);
}

/**
 * Fills `store` (the bridge's) with `rows` finished jobs and hooks (see the top of this file). Resolves what it wrote,
 * how long each part took and the database's size after.
 */
export async function prefillStore(store, { rows, scopeId, channelInstanceKey, log = () => {} }) {
  const { db, dialect } = store;
  const started = Date.now();
  const q = async (text, values = {}) => db.executeQuery(compile(dialect, text, values));
  const account = (await q('select id, amojo_account_id from accounts where scope_id = @scope', { scope: scopeId }))
    .rows[0];
  if (!account) throw new Error(`prefill: no account for scope ${scopeId}`);
  const instance = channelInstanceKey
    ? (await q('select id from channel_instances where key = @key', { key: channelInstanceKey })).rows[0]
    : undefined;
  const t = templates(scopeId, account.amojo_account_id);
  const chats = Math.max(1, Math.floor(rows / 100));
  const base = {};
  for (const [table, count] of [
    ['conversations', chats],
    ['participants', chats],
    ['jobs', rows],
    ['hooks', rows],
    ['messages', rows],
    ['message_statuses', rows],
  ]) {
    base[table] = await reserveIds(db, dialect, table, count);
  }
  const t0 = Date.now() - SPAN_MS;
  const values = {
    accountId: Number(account.id),
    instanceId: instance ? Number(instance.id) : null,
    scope: scopeId,
    rows,
    chats,
    t0,
    span: SPAN_MS,
    msg: MSG,
    chat: CHAT,
    hookIdText: `"hookId":${HOOK_ID}`,
    hookIdPrefix: '"hookId":',
    rawBody: t.rawBody,
    payload: t.payload,
    kind: t.kind,
    maxAttempts: t.maxAttempts,
    dedupKey: t.dedupKey,
    ...Object.fromEntries(Object.entries(base).map(([table, b]) => [`${table.replace('_s', 'S')}Base`, b])),
  };
  // Expressions of row n (1-based) shared by the inserts.
  const at = '(@t0::bigint + (s.n * @span::bigint) / @rows::bigint)';
  const msgId = '{uuid:f0f0:@hooksBase::bigint + s.n}';
  const chatOf = '{uuid:f0f1:@conversationsBase::bigint + s.n % @chats::bigint}';
  const statements = {
    conversations: insertSeries(
      dialect,
      'conversations',
      'id, account_id, channel_instance_id, conversation_id, amojo_chat_id, channel_chat_key, source_external_id, last_activity_at, created_at, updated_at',
      `@conversationsBase::bigint + s.n, @accountId::bigint, @instanceId::bigint, 'prefill-conv-' || (@conversationsBase::bigint + s.n - 1),
       {uuid:f0f1:@conversationsBase::bigint + s.n - 1},
       'prefill-chat-' || (@conversationsBase::bigint + s.n - 1), 'bench', @t0::bigint, @t0::bigint,
       @t0::bigint + @span::bigint`,
    ),
    participants: insertSeries(
      dialect,
      'participants',
      'id, conversation_row_id, role, participant_id, name, profile, created_at, updated_at',
      `@participantsBase::bigint + s.n, @conversationsBase::bigint + s.n, 'client',
       'prefill-customer-' || (@conversationsBase::bigint + s.n - 1), 'Prefill customer ' || (s.n - 1), '{}', @t0::bigint, @t0::bigint`,
    ),
    jobs: insertSeries(
      dialect,
      'jobs',
      'id, kind, lane, payload, state, attempts, max_attempts, run_at, created_at, updated_at, lane_head',
      `@jobsBase::bigint + s.n, @kind::text, 'out:' || ${chatOf},
       replace(replace(replace(@payload::text, @msg::text, ${msgId}), @chat::text, ${chatOf}),
         @hookIdText::text, @hookIdPrefix::text || (@hooksBase::bigint + s.n)),
       'done', 1, @maxAttempts::int, ${at}, ${at}, ${at} + 40, 1`,
    ),
    hooks: insertSeries(
      dialect,
      'hooks',
      'id, scope_id, kind, raw_body, signature_ok, dedup_key, outcome, job_id, received_at',
      `@hooksBase::bigint + s.n, @scope::text, 'message',
       replace(replace(@rawBody::text, @msg::text, ${msgId}), @chat::text, ${chatOf}), 1,
       replace(@dedupKey::text, @msg::text, ${msgId}), 'accepted', @jobsBase::bigint + s.n, ${at}`,
    ),
    messages: insertSeries(
      dialect,
      'messages',
      'id, conversation_row_id, direction, msgid, amojo_msgid, channel_message_id, type, payload, status, sent_at, created_at, updated_at',
      `@messagesBase::bigint + s.n, @conversationsBase::bigint + 1 + s.n % @chats::bigint, 'out',
       'ab-' || {uuid:f0f2:@messagesBase::bigint + s.n}, ${msgId},
       'bench-prefill-' || (@messagesBase::bigint + s.n), 'text',
       '{"type":"text","text":"Bench reply"}', 'delivered', ${at}, ${at}, ${at} + 40`,
    ),
    message_statuses: insertSeries(
      dialect,
      'message_statuses',
      'id, message_id, status, created_at',
      `@messageStatusesBase::bigint + s.n, @messagesBase::bigint + s.n, 'delivered', ${at} + 40`,
    ),
  };
  const timings = {};
  for (const table of TABLES) {
    const count = table === 'conversations' || table === 'participants' ? chats : rows;
    const tableStarted = Date.now();
    for (let from = 1; from <= count; from += CHUNK) {
      const to = Math.min(count, from + CHUNK - 1);
      await store.transaction((trx) => trx.executeQuery(compile(dialect, statements[table], { ...values, from, to })));
      log(`prefill ${table}: ${to.toLocaleString('en-US')} of ${count.toLocaleString('en-US')}`);
    }
    timings[table] = Date.now() - tableStarted;
  }
  const tidyStarted = Date.now();
  if (dialect === 'postgres') {
    for (const table of TABLES) await db.executeQuery(CompiledQuery.raw(`vacuum analyze ${table}`));
    // Flush the fill's dirty pages now: else the checkpoint the fill's WAL triggered spreads its writes over the next
    // minutes, into the figure (and into the next figure of the same cluster).
    await db.executeQuery(CompiledQuery.raw('checkpoint'));
  } else {
    await db.executeQuery(CompiledQuery.raw('pragma wal_checkpoint(truncate)'));
  }
  timings[dialect === 'postgres' ? 'vacuumAnalyzeCheckpoint' : 'walCheckpoint'] = Date.now() - tidyStarted;
  const counts = {};
  for (const table of TABLES) {
    counts[table] = Number((await db.executeQuery(CompiledQuery.raw(`select count(*) as n from ${table}`))).rows[0].n);
  }
  const sizeSql =
    dialect === 'postgres'
      ? 'select pg_database_size(current_database()) as bytes'
      : 'select page_count * page_size as bytes from pragma_page_count(), pragma_page_size()';
  const bytes = Number((await db.executeQuery(CompiledQuery.raw(sizeSql))).rows[0].bytes);
  return { rows, chats, counts, databaseMiB: bytes / 2 ** 20, ms: Date.now() - started, timings };
}

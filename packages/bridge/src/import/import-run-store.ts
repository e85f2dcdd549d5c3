import type { ConversationRowId } from '../store/ids.js';
import type { Executor } from '../store/store.js';
import { type ImportRunState, importDb } from './import-tables.js';

/** A run as the engine and the admin API read it. */
export interface ImportRun {
  readonly id: number;
  readonly runKey: string;
  readonly channelInstanceId: number;
  readonly format: string;
  readonly fileName: string;
  readonly state: ImportRunState;
  readonly total: number;
  readonly chats: number;
  readonly sent: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly failed: number;
  readonly error: string | null;
  readonly heartbeatAt: number;
  readonly createdAt: number;
  readonly finishedAt: number | null;
}

type RunRow = {
  id: number;
  run_key: string;
  channel_instance_id: number;
  format: string;
  file_name: string;
  state: ImportRunState;
  total: number;
  chats: number;
  sent: number;
  duplicates: number;
  skipped: number;
  failed: number;
  error: string | null;
  heartbeat_at: number;
  created_at: number;
  finished_at: number | null;
};

const toRun = (r: RunRow): ImportRun => ({
  id: r.id,
  runKey: r.run_key,
  channelInstanceId: r.channel_instance_id,
  format: r.format,
  fileName: r.file_name,
  state: r.state,
  total: r.total,
  chats: r.chats,
  sent: r.sent,
  duplicates: r.duplicates,
  skipped: r.skipped,
  failed: r.failed,
  error: r.error,
  heartbeatAt: r.heartbeat_at,
  createdAt: r.created_at,
  finishedAt: r.finished_at,
});

/** Reads a run by row id or run key. */
export async function findImportRun(
  db: Executor,
  by: { readonly id: number } | { readonly runKey: string },
): Promise<ImportRun | undefined> {
  const q = importDb(db).selectFrom('import_runs').selectAll();
  const row = await ('id' in by ? q.where('id', '=', by.id) : q.where('run_key', '=', by.runKey)).executeTakeFirst();
  return row ? toRun(row as RunRow) : undefined;
}

/** Newest runs first. */
export async function listImportRuns(db: Executor, limit: number): Promise<ImportRun[]> {
  const rows = await importDb(db).selectFrom('import_runs').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map((r) => toRun(r as RunRow));
}

/** Creates the run of a file (or returns the existing one: the same file again continues it). */
export async function findOrCreateImportRun(
  db: Executor,
  input: {
    readonly runKey: string;
    readonly channelInstanceId: number;
    readonly format: string;
    readonly fileName: string;
    readonly now: number;
  },
): Promise<ImportRun> {
  await importDb(db)
    .insertInto('import_runs')
    .values({
      run_key: input.runKey,
      channel_instance_id: input.channelInstanceId,
      format: input.format,
      file_name: input.fileName,
      state: 'scanning',
      total: 0,
      chats: 0,
      sent: 0,
      duplicates: 0,
      skipped: 0,
      failed: 0,
      error: null,
      finished_at: null,
      heartbeat_at: input.now,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) => oc.column('run_key').doNothing())
    .execute();
  const run = await findImportRun(db, { runKey: input.runKey });
  if (!run) throw new Error(`import run ${input.runKey} vanished`);
  return run;
}

/** Counters and state of a run (absolute values: the engine owns them while it holds the run). */
export async function updateImportRun(
  db: Executor,
  id: number,
  fields: Partial<{
    state: ImportRunState;
    total: number;
    chats: number;
    sent: number;
    duplicates: number;
    skipped: number;
    failed: number;
    error: string | null;
    finishedAt: number | null;
  }> & { readonly now: number },
): Promise<void> {
  await importDb(db)
    .updateTable('import_runs')
    .set({
      ...(fields.state !== undefined ? { state: fields.state } : {}),
      ...(fields.total !== undefined ? { total: fields.total } : {}),
      ...(fields.chats !== undefined ? { chats: fields.chats } : {}),
      ...(fields.sent !== undefined ? { sent: fields.sent } : {}),
      ...(fields.duplicates !== undefined ? { duplicates: fields.duplicates } : {}),
      ...(fields.skipped !== undefined ? { skipped: fields.skipped } : {}),
      ...(fields.failed !== undefined ? { failed: fields.failed } : {}),
      ...(fields.error !== undefined ? { error: fields.error } : {}),
      ...(fields.finishedAt !== undefined ? { finished_at: fields.finishedAt } : {}),
      heartbeat_at: fields.now,
      updated_at: fields.now,
    })
    .where('id', '=', id)
    .execute();
}

/** A chat of a run with its high-water mark. */
export interface ImportChatRow {
  readonly chatKey: string;
  readonly conversationRowId: ConversationRowId | null;
  readonly total: number;
  readonly newestAt: number;
  readonly sentThrough: number;
}

/** Every chat of a run (one row per chat: 10,000 chats are 10,000 small objects). */
export async function listImportChats(db: Executor, runId: number): Promise<ImportChatRow[]> {
  const rows = await importDb(db)
    .selectFrom('import_chats')
    .select(['chat_key', 'conversation_row_id', 'total', 'newest_at', 'sent_through'])
    .where('run_id', '=', runId)
    .execute();
  return rows.map((r) => ({
    chatKey: r.chat_key,
    conversationRowId: r.conversation_row_id as ConversationRowId | null,
    total: r.total,
    newestAt: r.newest_at,
    sentThrough: r.sent_through,
  }));
}

/** Inserts the chats a scan found, in batches. */
export async function insertImportChats(
  db: Executor,
  runId: number,
  chats: readonly { readonly chatKey: string; readonly total: number; readonly newestAt: number }[],
  now: number,
): Promise<void> {
  for (let i = 0; i < chats.length; i += 500) {
    await importDb(db)
      .insertInto('import_chats')
      .values(
        chats.slice(i, i + 500).map((c) => ({
          run_id: runId,
          chat_key: c.chatKey,
          total: c.total,
          newest_at: c.newestAt,
          sent_through: -1,
          updated_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'chat_key']).doNothing())
      .execute();
  }
}

/** Moves chats' high-water marks forward (never back) and records their conversations. */
export async function saveImportMarks(
  db: Executor,
  runId: number,
  marks: readonly {
    readonly chatKey: string;
    readonly sentThrough: number;
    readonly conversationRowId: ConversationRowId | null;
  }[],
  now: number,
): Promise<void> {
  for (const mark of marks) {
    await importDb(db)
      .updateTable('import_chats')
      .set({
        sent_through: mark.sentThrough,
        ...(mark.conversationRowId !== null ? { conversation_row_id: mark.conversationRowId } : {}),
        updated_at: now,
      })
      .where('run_id', '=', runId)
      .where('chat_key', '=', mark.chatKey)
      .where('sent_through', '<', mark.sentThrough)
      .execute();
  }
}

/** One line of a run's report. */
export interface ImportReportLine {
  readonly position: string;
  readonly chatKey: string | null;
  readonly msgid: string | null;
  readonly kind: 'error' | 'skipped';
  readonly reason: string;
}

/** Adds report lines; a position already reported (a resumed run) is kept once. */
export async function insertImportReport(
  db: Executor,
  runId: number,
  lines: readonly ImportReportLine[],
  now: number,
): Promise<void> {
  for (let i = 0; i < lines.length; i += 200) {
    await importDb(db)
      .insertInto('import_errors')
      .values(
        lines.slice(i, i + 200).map((l) => ({
          run_id: runId,
          position: l.position,
          chat_key: l.chatKey,
          msgid: l.msgid,
          kind: l.kind,
          reason: l.reason,
          created_at: now,
        })),
      )
      .onConflict((oc) => oc.columns(['run_id', 'position']).doNothing())
      .execute();
  }
}

/** A page of a run's report, oldest first, after row id `after`. */
export async function listImportReport(
  db: Executor,
  input: {
    readonly runId: number;
    readonly after?: number | undefined;
    readonly limit: number;
    readonly kind?: 'error' | 'skipped' | undefined;
  },
): Promise<{ items: (ImportReportLine & { id: number })[]; nextAfter: number | null }> {
  let q = importDb(db)
    .selectFrom('import_errors')
    .select(['id', 'position', 'chat_key', 'msgid', 'kind', 'reason'])
    .where('run_id', '=', input.runId)
    .orderBy('id')
    .limit(input.limit + 1);
  if (input.after !== undefined) q = q.where('id', '>', input.after);
  if (input.kind) q = q.where('kind', '=', input.kind);
  const rows = await q.execute();
  const items = rows.slice(0, input.limit).map((r) => ({
    id: r.id,
    position: r.position,
    chatKey: r.chat_key,
    msgid: r.msgid,
    kind: r.kind,
    reason: r.reason,
  }));
  return { items, nextAfter: rows.length > input.limit ? (items[items.length - 1]?.id ?? null) : null };
}

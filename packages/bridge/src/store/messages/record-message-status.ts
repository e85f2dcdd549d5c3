import { sql } from 'kysely';
import type { MessageStatusName } from '../database.js';
import type { MessageRowId } from '../ids.js';
import type { Executor } from '../store.js';

/** One entry of a message's status history. */
export interface MessageStatusEntry {
  readonly id: number;
  readonly messageId: MessageRowId;
  readonly status: MessageStatusName;
  /** 901..905 when `failed` (spec 3.5). */
  readonly errorCode: number | null;
  readonly error: string | null;
  readonly createdAt: number;
}

// Statuses only move forward: a late "delivered" after "read" (two channel callbacks racing) must not downgrade the
// message. `failed` is final and outranks everything: it is recorded for an outbound message only when nothing will
// try it again (a refused send, the last attempt, a discarded job) or when the messenger reports, after accepting
// the message and after the bridge recorded it delivered (or even read, for one part of a multi-part message), that
// it never reached the customer (WhatsApp's asynchronous `failed`). A late `delivered`/`read` never hides it.
const RANK: Record<MessageStatusName, number> = { pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Appends a status to a message's history and moves its current status forward when the new one ranks at least as
 * high. Returns the message's current status afterwards, or `undefined` when the message does not exist.
 */
export async function recordMessageStatus(
  db: Executor,
  input: {
    readonly messageId: MessageRowId;
    readonly status: MessageStatusName;
    readonly errorCode?: number | undefined;
    readonly error?: string | undefined;
    readonly now?: number | undefined;
  },
): Promise<MessageStatusName | undefined> {
  const now = input.now ?? Date.now();
  // Two statements in the usual case (the status moves forward), three when it does not: the entry is inserted only
  // if the message exists (INSERT ... SELECT from it; the casts give PostgreSQL the parameters' types), and the
  // conditional UPDATE returns the status it wrote. One conditional UPDATE rather than read-compare-write, so two
  // concurrent callers cannot reorder the outcome.
  const inserted = await db
    .insertInto('message_statuses')
    .columns(['message_id', 'status', 'error_code', 'error', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('messages')
        .select([
          'messages.id',
          sql<MessageStatusName>`cast(${input.status} as text)`.as('status'),
          sql<number | null>`cast(${input.errorCode ?? null} as integer)`.as('error_code'),
          sql<string | null>`cast(${input.error ?? null} as text)`.as('error'),
          sql<number>`cast(${now} as bigint)`.as('created_at'),
        ])
        .where('messages.id', '=', input.messageId),
    )
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return undefined;
  const replaceable = (Object.keys(RANK) as MessageStatusName[]).filter((s) => RANK[s] <= RANK[input.status]);
  const moved = await db
    .updateTable('messages')
    .set({ status: input.status, updated_at: now })
    .where('id', '=', input.messageId)
    .where('status', 'in', replaceable)
    .returning('status')
    .executeTakeFirst();
  if (moved) return moved.status;
  const current = await db.selectFrom('messages').select('status').where('id', '=', input.messageId).executeTakeFirst();
  return current?.status;
}

/** A message's status history, oldest first. */
export async function listMessageStatuses(db: Executor, messageId: number): Promise<MessageStatusEntry[]> {
  const rows = await db
    .selectFrom('message_statuses')
    .selectAll()
    .where('message_id', '=', messageId)
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    messageId: row.message_id as MessageRowId,
    status: row.status,
    errorCode: row.error_code,
    error: row.error,
    createdAt: row.created_at,
  }));
}

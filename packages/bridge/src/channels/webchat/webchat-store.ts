import type { Executor } from '../../store/store.js';
import { webchatDb } from './webchat-tables.js';

/** A visitor's pre-chat profile. */
export interface WebchatVisitorProfile {
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
}

/** A stored visitor. */
export interface WebchatVisitor extends WebchatVisitorProfile {
  readonly visitorId: string;
}

/** Creates (or updates the profile of) a visitor. */
export async function saveWebchatVisitor(
  db: Executor,
  input: {
    readonly instanceRowId: number;
    readonly visitorId: string;
    readonly profile: WebchatVisitorProfile;
    readonly now: number;
  },
): Promise<void> {
  const values = {
    name: input.profile.name ?? null,
    phone: input.profile.phone ?? null,
    email: input.profile.email ?? null,
  };
  await webchatDb(db)
    .insertInto('webchat_visitors')
    .values({
      channel_instance_id: input.instanceRowId,
      visitor_id: input.visitorId,
      ...values,
      created_at: input.now,
      updated_at: input.now,
    })
    .onConflict((oc) =>
      oc.columns(['channel_instance_id', 'visitor_id']).doUpdateSet({ ...values, updated_at: input.now }),
    )
    .execute();
}

/** Finds a visitor; `undefined` when the instance never saw them (or the row was deleted with the instance). */
export async function findWebchatVisitor(
  db: Executor,
  input: { readonly instanceRowId: number; readonly visitorId: string },
): Promise<WebchatVisitor | undefined> {
  const row = await webchatDb(db)
    .selectFrom('webchat_visitors')
    .select(['visitor_id', 'name', 'phone', 'email'])
    .where('channel_instance_id', '=', input.instanceRowId)
    .where('visitor_id', '=', input.visitorId)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    visitorId: row.visitor_id,
    ...(row.name ? { name: row.name } : {}),
    ...(row.phone ? { phone: row.phone } : {}),
    ...(row.email ? { email: row.email } : {}),
  };
}

/** An uploaded file's description (without its bytes). */
export interface WebchatUpload {
  readonly id: number;
  readonly instanceRowId: number;
  readonly visitorId: string;
  readonly fileKey: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size: number;
}

/** Stores an uploaded file. */
export async function insertWebchatUpload(
  db: Executor,
  input: Omit<WebchatUpload, 'id'> & { readonly data: Buffer; readonly now: number },
): Promise<WebchatUpload> {
  const row = await webchatDb(db)
    .insertInto('webchat_uploads')
    .values({
      channel_instance_id: input.instanceRowId,
      visitor_id: input.visitorId,
      file_key: input.fileKey,
      file_name: input.fileName,
      mime_type: input.mimeType,
      size: input.size,
      data: input.data,
      created_at: input.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const { data: _data, now: _now, ...upload } = input;
  return { id: Number(row.id), ...upload };
}

/** Finds an upload by its row id (the visitor's reference in a socket message) or its public key. */
export async function findWebchatUpload(
  db: Executor,
  by: { readonly id: number } | { readonly fileKey: string },
): Promise<WebchatUpload | undefined> {
  let query = webchatDb(db)
    .selectFrom('webchat_uploads')
    .select(['id', 'channel_instance_id', 'visitor_id', 'file_key', 'file_name', 'mime_type', 'size']);
  query = 'id' in by ? query.where('id', '=', by.id) : query.where('file_key', '=', by.fileKey);
  const row = await query.executeTakeFirst();
  return (
    row && {
      id: Number(row.id),
      instanceRowId: Number(row.channel_instance_id),
      visitorId: row.visitor_id,
      fileKey: row.file_key,
      fileName: row.file_name,
      mimeType: row.mime_type,
      size: Number(row.size),
    }
  );
}

/** The bytes of an upload by its public key. */
export async function readWebchatUploadData(db: Executor, fileKey: string): Promise<Buffer | undefined> {
  const row = await webchatDb(db)
    .selectFrom('webchat_uploads')
    .select('data')
    .where('file_key', '=', fileKey)
    .executeTakeFirst();
  return row ? Buffer.from(row.data) : undefined;
}

/** Sets (`emoji`) or removes (`null`) a manager's reaction on a message. */
export async function setWebchatReaction(
  db: Executor,
  input: {
    readonly messageRowId: number;
    readonly senderId: string;
    readonly emoji: string | null;
    readonly now: number;
  },
): Promise<void> {
  const wdb = webchatDb(db);
  if (input.emoji === null) {
    await wdb
      .deleteFrom('webchat_reactions')
      .where('message_id', '=', input.messageRowId)
      .where('sender_id', '=', input.senderId)
      .execute();
    return;
  }
  await wdb
    .insertInto('webchat_reactions')
    .values({ message_id: input.messageRowId, sender_id: input.senderId, emoji: input.emoji, created_at: input.now })
    .onConflict((oc) =>
      oc.columns(['message_id', 'sender_id']).doUpdateSet({ emoji: input.emoji ?? '', created_at: input.now }),
    )
    .execute();
}

/** The reactions on the given messages: message row id -> emojis, oldest first. */
export async function listWebchatReactions(
  db: Executor,
  messageRowIds: readonly number[],
): Promise<Map<number, string[]>> {
  const result = new Map<number, string[]>();
  for (const [id, rows] of await listWebchatReactionsBy(db, messageRowIds)) {
    result.set(
      id,
      rows.map((r) => r.emoji),
    );
  }
  return result;
}

/** The reactions on the given messages with who set each (a manager's amojo id or the visitor's id), oldest first. */
export async function listWebchatReactionsBy(
  db: Executor,
  messageRowIds: readonly number[],
): Promise<Map<number, { emoji: string; senderId: string }[]>> {
  const result = new Map<number, { emoji: string; senderId: string }[]>();
  if (messageRowIds.length === 0) return result;
  const rows = await webchatDb(db)
    .selectFrom('webchat_reactions')
    .select(['message_id', 'emoji', 'sender_id'])
    .where('message_id', 'in', [...messageRowIds])
    .orderBy('id')
    .execute();
  for (const row of rows) {
    const id = Number(row.message_id);
    result.set(id, [...(result.get(id) ?? []), { emoji: row.emoji, senderId: row.sender_id }]);
  }
  return result;
}

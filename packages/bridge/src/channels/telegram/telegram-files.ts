import { randomBytes } from 'node:crypto';
import type { Generated } from 'kysely';
import type { Executor } from '../../store/store.js';
import type { TelegramFileRef } from './telegram-inbound.js';

/** `telegram_files` (migration 0011): a customer's file, served by the bridge at `/channels/telegram/files/:key`. */
export interface TelegramFilesTable {
  readonly id: Generated<number>;
  readonly channel_instance_id: number;
  readonly file_key: string;
  readonly telegram_file_id: string;
  readonly file_unique_id: string;
  readonly file_name: string;
  readonly mime_type: string;
  readonly size: number | null;
  readonly data: Buffer | null;
  readonly created_at: number;
  readonly fetched_at: number | null;
}

const filesDb = (db: Executor) => db.withTables<{ telegram_files: TelegramFilesTable }>();

/** A stored file row. */
export interface TelegramFile {
  readonly fileKey: string;
  readonly channelInstanceId: number;
  readonly telegramFileId: string;
  readonly fileName: string;
  readonly mimeType: string;
  readonly size: number | null;
  readonly data: Buffer | null;
}

/**
 * The key a file is served under, created once per instance and file (`file_unique_id`), so a redelivered update
 * gets the same URL. Committed before the update is passed on, so a URL amoCRM gets always resolves.
 */
export async function registerTelegramFile(
  db: Executor,
  input: { readonly instanceRowId: number; readonly file: TelegramFileRef; readonly now: number },
): Promise<string> {
  const { file } = input;
  await filesDb(db)
    .insertInto('telegram_files')
    .values({
      channel_instance_id: input.instanceRowId,
      file_key: randomBytes(32).toString('base64url'),
      telegram_file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: file.fileName,
      mime_type: file.mimeType,
      size: file.size ?? null,
      data: null,
      created_at: input.now,
      fetched_at: null,
    })
    .onConflict((oc) => oc.columns(['channel_instance_id', 'file_unique_id']).doNothing())
    .execute();
  const row = await filesDb(db)
    .selectFrom('telegram_files')
    .select('file_key')
    .where('channel_instance_id', '=', input.instanceRowId)
    .where('file_unique_id', '=', file.fileUniqueId)
    .executeTakeFirstOrThrow();
  return row.file_key;
}

/** A file by its public key. */
export async function findTelegramFile(db: Executor, fileKey: string): Promise<TelegramFile | undefined> {
  const row = await filesDb(db)
    .selectFrom('telegram_files')
    .selectAll()
    .where('file_key', '=', fileKey)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    fileKey: row.file_key,
    channelInstanceId: Number(row.channel_instance_id),
    telegramFileId: row.telegram_file_id,
    fileName: row.file_name,
    mimeType: row.mime_type,
    size: row.size === null ? null : Number(row.size),
    data: row.data === null ? null : Buffer.from(row.data),
  };
}

/** Keeps the downloaded bytes, so Telegram is asked once. */
export async function storeTelegramFileData(
  db: Executor,
  input: { readonly fileKey: string; readonly data: Buffer; readonly now: number },
): Promise<void> {
  await filesDb(db)
    .updateTable('telegram_files')
    .set({ data: input.data, size: input.data.length, fetched_at: input.now })
    .where('file_key', '=', input.fileKey)
    .execute();
}

/** The public URL of a file. */
export function telegramFileUrl(base: string, fileKey: string, fileName: string): string {
  return `${base}/channels/telegram/files/${fileKey}/${encodeURIComponent(fileName)}`;
}

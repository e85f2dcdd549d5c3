import { createHash } from 'node:crypto';
import { extname } from 'node:path';
import type { Executor } from '../store/store.js';
import { importDb } from './import-tables.js';

/** Where the bridge serves imported media; amojo downloads `media` URLs from here. */
export const IMPORT_FILES_PATH = '/import/files';

const MIME_BY_EXTENSION: Readonly<Record<string, string>> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.heic': 'image/heic',
  '.mp4': 'video/mp4',
  '.mov': 'video/quicktime',
  '.3gp': 'video/3gpp',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/wav',
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.vcf': 'text/vcard',
};

/** A MIME type for a file name (the export's own when it gives one). */
export const mimeTypeOf = (fileName: string, declared?: string): string =>
  declared ?? MIME_BY_EXTENSION[extname(fileName).toLowerCase()] ?? 'application/octet-stream';

/** Largest file the importer stores (amoCRM documents no limit; the Telegram Bot API's is 50 MB). */
export const MAX_IMPORT_MEDIA_BYTES = 50 * 1024 * 1024;

/**
 * Stores a file of an export and returns its key. The key is the sha256 of the name and bytes, so importing the
 * same file again (a resumed or repeated run) stores nothing new and gives amojo the same URL.
 */
export async function storeImportMedia(
  db: Executor,
  input: { readonly fileName: string; readonly mimeType: string; readonly data: Buffer; readonly now: number },
): Promise<string> {
  const fileKey = createHash('sha256').update(input.fileName).update('\n').update(input.data).digest('base64url');
  await importDb(db)
    .insertInto('import_media')
    .values({
      file_key: fileKey,
      file_name: input.fileName,
      mime_type: input.mimeType,
      size: input.data.length,
      data: input.data,
      created_at: input.now,
    })
    .onConflict((oc) => oc.column('file_key').doNothing())
    .execute();
  return fileKey;
}

/** A stored file, for serving. */
export async function findImportMedia(
  db: Executor,
  fileKey: string,
): Promise<{ fileName: string; mimeType: string; data: Buffer } | undefined> {
  const row = await importDb(db)
    .selectFrom('import_media')
    .select(['file_name', 'mime_type', 'data'])
    .where('file_key', '=', fileKey)
    .executeTakeFirst();
  return row ? { fileName: row.file_name, mimeType: row.mime_type, data: Buffer.from(row.data) } : undefined;
}

/** The public URL of a stored file. */
export const importMediaUrl = (publicBase: string, fileKey: string, fileName: string): string =>
  `${publicBase.replace(/\/+$/, '')}${IMPORT_FILES_PATH}/${fileKey}/${encodeURIComponent(fileName)}`;

import { randomBytes } from 'node:crypto';
import { failures } from './bot-api-failure.js';

/** One file the emulated Bot API holds: what a `file_id` names and `getFile` serves. */
export interface StoredFile {
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly filePath: string;
  readonly bytes: Buffer;
  readonly mimeType: string;
  readonly fileName: string | undefined;
}

/** The Bot API refuses `getFile` above 20 MB ("file is too big"); bots cannot download bigger files. */
export const GET_FILE_LIMIT_BYTES = 20 * 1024 * 1024;

/** Files of one bot by `file_id` (Telegram's file ids are per bot, so another bot's id is "wrong"). */
export class FileStore {
  readonly #byId = new Map<string, StoredFile>();
  readonly #byPath = new Map<string, StoredFile>();
  #counter = 0;

  /** Stores bytes and gives them a new file id and download path under `folder` (photos, documents, ...). */
  add(bytes: Buffer, options: { folder: string; mimeType: string; fileName?: string; extension?: string }): StoredFile {
    this.#counter += 1;
    const fileId = `${options.folder.slice(0, 2).toUpperCase()}${randomBytes(30).toString('base64url')}`;
    const extension = options.extension ?? options.fileName?.split('.').pop() ?? 'bin';
    const file: StoredFile = {
      fileId,
      fileUniqueId: `AQAD${randomBytes(8).toString('base64url')}`,
      filePath: `${options.folder}/file_${this.#counter}.${extension}`,
      bytes,
      mimeType: options.mimeType,
      fileName: options.fileName,
    };
    this.#byId.set(fileId, file);
    this.#byPath.set(file.filePath, file);
    return file;
  }

  /** The file of an id the bot was given; a 400 as Telegram words it otherwise. */
  get(fileId: unknown, refusal = 'wrong file identifier/HTTP URL specified'): StoredFile {
    const file = typeof fileId === 'string' ? this.#byId.get(fileId) : undefined;
    if (!file) throw failures.badRequest(refusal);
    return file;
  }

  /** The file served at `/file/bot<token>/<path>`. */
  byPath(filePath: string): StoredFile | undefined {
    return this.#byPath.get(filePath);
  }
}

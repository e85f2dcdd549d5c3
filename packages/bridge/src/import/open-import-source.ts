import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, relative, resolve } from 'node:path';
import type { ImportFormat, ImportItem } from './import-message.js';
import { readJsonl } from './read-jsonl.js';
import { readTelegram } from './read-telegram.js';
import { readWhatsapp } from './read-whatsapp.js';
import { openWhatsappExport, type WhatsappExport } from './whatsapp-source.js';

/** A source file opened for import: read it (any number of times, same items in the same order), read media. */
export interface ImportSource {
  readonly format: ImportFormat;
  readonly fileName: string;
  /** sha256 of the file's bytes, hex. */
  readonly fileHash: string;
  read(): AsyncIterable<ImportItem>;
  /** Bytes of a media file the export references, `undefined` when it is not in the export. */
  readMedia(path: string): Promise<Buffer | undefined>;
  close(): void;
}

/** Options of {@link openImportSource}. */
export interface OpenSourceOptions {
  readonly format?: ImportFormat | undefined;
  /** WhatsApp: the business's own author name. */
  readonly self?: string | undefined;
  /** WhatsApp: authors known as managers. */
  readonly managerNames?: ReadonlySet<string> | undefined;
  /** WhatsApp: whether dates start with the day (default: detected from the dates). */
  readonly daysFirst?: boolean | undefined;
  /** Chat key for single-chat exports (WhatsApp, one Telegram chat). */
  readonly chatKey?: string | undefined;
}

/** Hashes a file by streaming it (flat memory). */
export async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** `telegram` for JSON whose first key is a Telegram export's, `whatsapp` for .txt/.zip, `jsonl` for .jsonl/.ndjson. */
export async function detectFormat(file: string): Promise<ImportFormat> {
  const ext = extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.txt' || ext === '.zip') return 'whatsapp';
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\ufeff/, '')
      .trimStart();
    try {
      const first = JSON.parse(head.split('\n', 1)[0] ?? '') as unknown;
      if (first && typeof first === 'object' && 'chat' in first && 'direction' in first) return 'jsonl';
    } catch {
      // Not one JSON object on the first line: not JSON Lines.
    }
    if (/"(?:messages|chats|personal_information|about)"\s*:/.test(head)) return 'telegram';
  } finally {
    await handle.close();
  }
  throw new Error(`cannot tell the format of ${basename(file)}: pass --format telegram, whatsapp or jsonl`);
}

/** A path inside `folder`, refusing anything that escapes it ("../../etc/passwd" in a crafted export). */
function inside(folder: string, path: string): string | undefined {
  const full = resolve(folder, path);
  const rel = relative(folder, full);
  return rel.startsWith('..') || isAbsolute(rel) ? undefined : full;
}

/** Opens a source: detects or checks its format and hashes it. */
export async function openImportSource(file: string, options: OpenSourceOptions = {}): Promise<ImportSource> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new Error(`${file}: no such file`);
  const format = options.format ?? (await detectFormat(file));
  const fileHash = await hashFile(file);
  const folder = dirname(resolve(file));
  const fromFolder = (path: string) => {
    const full = inside(folder, path);
    return full ? readFile(full).catch(() => undefined) : Promise.resolve(undefined);
  };
  const fileName = basename(file);
  if (format === 'jsonl') {
    return {
      format,
      fileName,
      fileHash,
      read: () => readJsonl(file, fileHash),
      readMedia: fromFolder,
      close: () => undefined,
    };
  }
  if (format === 'telegram') {
    return {
      format,
      fileName,
      fileHash,
      read: () => readTelegram(file, { chatKey: options.chatKey }),
      readMedia: fromFolder,
      close: () => undefined,
    };
  }
  const exported: WhatsappExport = await openWhatsappExport(file);
  const readOptions = {
    self: options.self,
    daysFirst: options.daysFirst,
    managerNames: options.managerNames ?? new Set<string>(),
    chatKey: options.chatKey,
  };
  return {
    format,
    fileName,
    fileHash,
    read: async function* () {
      yield* readWhatsapp(exported.text, exported.textName, readOptions);
    },
    readMedia: (path) => exported.readMedia(path),
    close: () => exported.close(),
  };
}

import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { StoredUpload, UploadStore } from '../control/uploads.js';
import type { CrmStateData } from '../crm/crm-state.js';
import type { CrmState } from '../crm/index.js';
import { SandboxError } from '../errors.js';
import type { SandboxState, SandboxStateData } from './sandbox-state.js';

/** The state file's format version; a file of another version is refused rather than half-read. */
export const STATE_FILE_VERSION = 1;

/** Upload bytes up to this size are kept beside the state file; larger ones keep their metadata only. */
export const MAX_PERSISTED_UPLOAD_BYTES = 10 * 1024 * 1024;

/** What the state file holds. */
export interface SandboxStateFile {
  readonly version: typeof STATE_FILE_VERSION;
  readonly savedAt: string;
  readonly state: SandboxStateData;
  readonly crm: CrmStateData;
  readonly uploads: readonly {
    readonly id: string;
    readonly fileName: string;
    readonly mimeType: string;
    readonly size: number;
    /** Whether the bytes are in the uploads folder. */
    readonly stored: boolean;
  }[];
}

/** Options of {@link createStatePersister}. */
export interface StatePersisterOptions {
  /** Path of the JSON state file; upload bytes go into `<dir>/<name>.uploads/`. */
  readonly file: string;
  readonly state: SandboxState;
  readonly crm: CrmState;
  readonly uploads: UploadStore;
  /** Quiet time after a change before saving, ms; default 250. */
  readonly debounceMs?: number;
  readonly log?: { readonly warn?: (obj: object, msg?: string) => void };
}

/** Loads and saves one sandbox's state: `load()` at start, saves after changes (debounced) and on `close()`. */
export interface StatePersister {
  /** Reads the file into the (empty) state; returns false when there is no file yet. */
  load(): Promise<boolean>;
  /** Starts saving after every change. */
  watch(): void;
  /** Saves now (atomically: a temp file renamed over the old one). */
  save(): Promise<void>;
  /** Stops watching and saves a last time. */
  close(): Promise<void>;
}

/** Folder of upload bytes that belongs to a state file. */
export function uploadsDirOf(file: string): string {
  return join(dirname(file), `${basename(file)}.uploads`);
}

/** Creates the persister of one sandbox; nothing is read or written until `load()` / `watch()`. */
export function createStatePersister(options: StatePersisterOptions): StatePersister {
  const { file, state, crm, uploads } = options;
  const uploadsDir = uploadsDirOf(file);
  const debounceMs = options.debounceMs ?? 250;
  // Upload ids whose bytes are already on disk: files are immutable, so each is written once.
  const written = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let unsubscribe: (() => void)[] = [];
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const writeUploads = async (): Promise<SandboxStateFile['uploads']> => {
    const list: SandboxStateFile['uploads'][number][] = [];
    for (const [id, upload] of [...uploads.entries()]) {
      const stored = upload.data.length <= MAX_PERSISTED_UPLOAD_BYTES;
      if (stored && !written.has(id)) {
        await mkdir(uploadsDir, { recursive: true });
        await atomicWrite(join(uploadsDir, id), upload.data);
        written.add(id);
      }
      list.push({ id, fileName: upload.fileName, mimeType: upload.mimeType, size: upload.data.length, stored });
    }
    return list;
  };

  const saveNow = async (): Promise<void> => {
    const content: SandboxStateFile = {
      version: STATE_FILE_VERSION,
      savedAt: new Date().toISOString(),
      state: state.exportData(),
      crm: crm.exportData(),
      uploads: await writeUploads(),
    };
    await mkdir(dirname(file), { recursive: true });
    await atomicWrite(file, JSON.stringify(content));
  };

  // Saves run one after another, so an older snapshot never renames over a newer one.
  const save = (): Promise<void> => {
    const next = chain.then(saveNow);
    chain = next.catch((error: unknown) => {
      options.log?.warn?.({ file, error: (error as Error).message }, 'could not save the sandbox state');
    });
    return next;
  };

  const schedule = (): void => {
    if (closed) return;
    clearTimeout(timer);
    timer = setTimeout(() => void save().catch(() => undefined), debounceMs);
  };

  return {
    async load() {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw new SandboxError(`cannot read the state file ${file}: ${(error as Error).message}`, {
          code: 'STATE_FILE_UNREADABLE',
        });
      }
      let parsed: SandboxStateFile;
      try {
        parsed = JSON.parse(text) as SandboxStateFile;
      } catch {
        throw new SandboxError(`the state file ${file} is not valid JSON; move it away to start empty`, {
          code: 'STATE_FILE_INVALID',
        });
      }
      if (parsed?.version !== STATE_FILE_VERSION || !parsed.state || !parsed.crm) {
        throw new SandboxError(
          `the state file ${file} is not a version ${STATE_FILE_VERSION} sandbox state; move it away to start empty`,
          { code: 'STATE_FILE_INVALID' },
        );
      }
      state.importData(parsed.state);
      crm.importData(parsed.crm);
      for (const meta of parsed.uploads ?? []) {
        const path = join(uploadsDir, meta.id);
        if (!meta.stored || !existsSync(path)) continue;
        const upload: StoredUpload = { fileName: meta.fileName, mimeType: meta.mimeType, data: await readFile(path) };
        uploads.restore(meta.id, upload);
        written.add(meta.id);
      }
      return true;
    },
    watch() {
      // Typing and hook-log events change nothing that is persisted.
      unsubscribe.push(
        state.subscribe((event) => {
          if (event.type !== 'typing' && event.type !== 'hook') schedule();
        }),
        state.onScopeChange(() => schedule()),
      );
    },
    save,
    async close() {
      closed = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
      unsubscribe = [];
      await save();
    },
  };
}

async function atomicWrite(path: string, data: string | Buffer): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

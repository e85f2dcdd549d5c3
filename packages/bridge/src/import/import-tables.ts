import type { Generated, Kysely } from 'kysely';
import type { Database } from '../store/database.js';
import type { Executor } from '../store/store.js';

/** `import_runs`: one source file imported into one channel instance (migration 0010). */
export interface ImportRunsTable {
  readonly id: Generated<number>;
  readonly run_key: string;
  readonly channel_instance_id: number;
  readonly format: string;
  readonly file_name: string;
  readonly state: ImportRunState;
  readonly total: number;
  readonly chats: number;
  readonly sent: number;
  readonly duplicates: number;
  readonly skipped: number;
  readonly failed: number;
  readonly error: string | null;
  readonly heartbeat_at: number;
  readonly created_at: number;
  readonly updated_at: number;
  readonly finished_at: number | null;
}

/**
 * States of a run: `scanning` (reading the file once to count each chat and find its newest message), `sending`
 * (messages going to amojo), then `done` or `failed` (amojo unreachable or the file unreadable; running the same
 * file again continues where it stopped).
 */
export type ImportRunState = 'scanning' | 'sending' | 'done' | 'failed';

/** `import_chats`: one chat of a run and its high-water mark. */
export interface ImportChatsTable {
  readonly id: Generated<number>;
  readonly run_id: number;
  readonly chat_key: string;
  readonly conversation_row_id: number | null;
  readonly total: number;
  readonly newest_at: number;
  readonly sent_through: number;
  readonly updated_at: number;
}

/** `import_errors`: the per-message report of a run. */
export interface ImportErrorsTable {
  readonly id: Generated<number>;
  readonly run_id: number;
  readonly position: string;
  readonly chat_key: string | null;
  readonly msgid: string | null;
  readonly kind: 'error' | 'skipped';
  readonly reason: string;
  readonly created_at: number;
}

/** `import_media`: a file of an export, served to amojo at `/import/files/:file_key/:name`. */
export interface ImportMediaTable {
  readonly id: Generated<number>;
  readonly file_key: string;
  readonly file_name: string;
  readonly mime_type: string;
  readonly size: number;
  readonly data: Buffer;
  readonly created_at: number;
}

/** The import tables, added to the bridge schema's type without editing it. */
export type ImportTables = {
  readonly import_runs: ImportRunsTable;
  readonly import_chats: ImportChatsTable;
  readonly import_errors: ImportErrorsTable;
  readonly import_media: ImportMediaTable;
};

/** The store's Kysely typed with the import tables too. */
export type ImportDb = Kysely<Database & ImportTables>;

/** Widens an executor (the store's db or a transaction) to {@link ImportDb}. */
export const importDb = (db: Executor): ImportDb => db.withTables<ImportTables>();

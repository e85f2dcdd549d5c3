import type { Generated, Kysely } from 'kysely';
import type { Database } from '../../store/database.js';
import type { Executor } from '../../store/store.js';

/** `webchat_visitors`: one website visitor of one instance, with the pre-chat form's answers. */
export interface WebchatVisitorsTable {
  readonly id: Generated<number>;
  readonly channel_instance_id: number;
  readonly visitor_id: string;
  readonly name: string | null;
  readonly phone: string | null;
  readonly email: string | null;
  readonly created_at: number;
  readonly updated_at: number;
}

/** `webchat_uploads`: a file a visitor uploaded, served at `/webchat/files/:file_key/:name`. */
export interface WebchatUploadsTable {
  readonly id: Generated<number>;
  readonly channel_instance_id: number;
  readonly visitor_id: string;
  readonly file_key: string;
  readonly file_name: string;
  readonly mime_type: string;
  readonly size: number;
  readonly data: Buffer;
  readonly created_at: number;
}

/** `webchat_reactions`: the current reaction of one manager on one message. */
export interface WebchatReactionsTable {
  readonly id: Generated<number>;
  readonly message_id: number;
  readonly sender_id: string;
  readonly emoji: string;
  readonly created_at: number;
}

/** The webchat tables (migration 0002), added to the bridge schema's type without editing it. */
export type WebchatTables = {
  readonly webchat_visitors: WebchatVisitorsTable;
  readonly webchat_uploads: WebchatUploadsTable;
  readonly webchat_reactions: WebchatReactionsTable;
};

/** The store's Kysely typed with the webchat tables too. */
export type WebchatDb = Kysely<Database & WebchatTables>;

/** Widens an executor (the store's db or a transaction) to {@link WebchatDb}. */
export const webchatDb = (db: Executor): WebchatDb => db.withTables<WebchatTables>();

import { type ExpressionBuilder, sql } from 'kysely';
import type { WebchatTables } from '../../channels/webchat/webchat-tables.js';
import type { Database } from '../database.js';
import type { Executor } from '../store.js';
import type { PruneBatchInput, PruneBatchResult } from './prune-batch.js';

type Schema = Database & WebchatTables;

// An upload is referenced by the message that sends it: the webchat stores that message's payload with the file's
// URL, `/webchat/files/<file_key>/<name>`. Only the uploading visitor may send it, into their own conversation, which
// the webchat keys by (channel instance, visitor id) = (channel_instance_id, channel_chat_key); looking only there
// keeps the check on the messages_conversation index instead of scanning every message. A `_` in the key (base64url)
// is a LIKE wildcard, which can only make a match more likely: the upload is then kept, never deleted by mistake.
const prunable = (before: number) => (eb: ExpressionBuilder<Schema, 'webchat_uploads'>) =>
  eb.and([
    eb('webchat_uploads.created_at', '<', before),
    eb.not(
      eb.exists(
        eb
          .selectFrom('conversations')
          .innerJoin('messages', 'messages.conversation_row_id', 'conversations.id')
          .select('messages.id')
          .whereRef('conversations.channel_instance_id', '=', 'webchat_uploads.channel_instance_id')
          .whereRef('conversations.channel_chat_key', '=', 'webchat_uploads.visitor_id')
          .where('messages.created_at', '>=', before)
          .where(
            'messages.payload',
            'like',
            sql<string>`'%/webchat/files/' || ${sql.ref('webchat_uploads.file_key')} || '/%'`,
          ),
      ),
    ),
  ]);

/**
 * Deletes one batch of webchat uploads stored before `before` that no message created since `before` references.
 * An upload sent in an older message only goes once that message is past the retention too.
 */
export async function pruneWebchatUploads(db: Executor, input: PruneBatchInput): Promise<PruneBatchResult> {
  const webchat = db.withTables<WebchatTables>();
  const rows = await webchat
    .selectFrom('webchat_uploads')
    .select('webchat_uploads.id')
    .where(prunable(input.before))
    .orderBy('webchat_uploads.id')
    .limit(input.limit)
    .execute();
  if (rows.length === 0) return { deleted: 0, more: false };
  // By id, with the conditions repeated (a message sending the upload may have arrived in between): see
  // pruneFinishedJobs.
  const result = await webchat
    .deleteFrom('webchat_uploads')
    .where(
      'webchat_uploads.id',
      'in',
      rows.map((row) => row.id),
    )
    .where(prunable(input.before))
    .executeTakeFirst();
  return { deleted: Number(result.numDeletedRows), more: rows.length === input.limit };
}

import type { MessageRowId } from '../ids.js';
import { fromJson, toJson } from '../json.js';
import type { Executor } from '../store.js';

/**
 * Stores a message's edited text: its payload keeps everything else (type, media, the quote in `replyTo`) and takes
 * the new `text`, so a channel showing history (webchat) shows what amoCRM shows after the edit. Resolves false when
 * the message is gone.
 */
export async function setMessageText(
  db: Executor,
  input: { readonly id: MessageRowId; readonly text: string; readonly now: number },
): Promise<boolean> {
  const row = await db.selectFrom('messages').select('payload').where('id', '=', input.id).executeTakeFirst();
  if (!row) return false;
  const payload = (fromJson(row.payload) ?? {}) as Record<string, unknown>;
  await db
    .updateTable('messages')
    .set({ payload: toJson({ ...payload, text: input.text }), updated_at: input.now })
    .where('id', '=', input.id)
    .execute();
  return true;
}

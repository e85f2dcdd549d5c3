import type { AmojoMsgId, Msgid } from '../../store/ids.js';
import { findMessage } from '../../store/messages/index.js';
import type { Executor } from '../../store/store.js';
import type { WebchatWireQuote } from './webchat-protocol.js';

/** How a stored message names the message it quotes (`payload.replyTo`): our msgid or amojo's id. */
export type StoredQuoteRef = { readonly msgid?: Msgid; readonly amojoMsgId?: AmojoMsgId };

const QUOTE_TEXT_LENGTH = 300;

/**
 * The quote the widget shows above a message: the quoted message of the same conversation by our msgid or amojo's
 * id, its text (or file name) cut short and its author. Undefined for a message the bridge does not have, which the
 * widget then shows without a quote (plain text).
 */
export async function webchatQuoteOf(
  db: Executor,
  conversationRowId: number,
  ref: StoredQuoteRef | undefined,
): Promise<WebchatWireQuote | undefined> {
  if (!ref) return undefined;
  const quoted = ref.msgid
    ? await findMessage(db, { msgid: ref.msgid })
    : ref.amojoMsgId
      ? await findMessage(db, { amojoMsgId: ref.amojoMsgId })
      : undefined;
  if (!quoted || quoted.conversationRowId !== conversationRowId) return undefined;
  const payload = quoted.payload as { text?: string; fileName?: string; type?: string };
  const full = payload.text || payload.fileName || payload.type || '';
  const text = full.length > QUOTE_TEXT_LENGTH ? `${full.slice(0, QUOTE_TEXT_LENGTH - 1)}…` : full;
  let author: string | undefined;
  if (quoted.direction === 'out' && quoted.senderParticipantId !== null) {
    const row = await db
      .selectFrom('participants')
      .select('name')
      .where('id', '=', quoted.senderParticipantId)
      .executeTakeFirst();
    author = row?.name ?? undefined;
  }
  return {
    id: quoted.msgid,
    text,
    ...(author ? { author } : {}),
    ...(quoted.direction === 'in' ? { mine: true } : {}),
  };
}

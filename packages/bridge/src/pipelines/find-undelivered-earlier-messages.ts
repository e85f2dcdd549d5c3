import type { HistoryItem } from '@amojo-bridge/sdk';
import { isImportedMsgid } from '../import/imported-msgid.js';
import type { Account } from '../store/accounts/index.js';
import { findMessage } from '../store/messages/index.js';
import { insertHookRecord } from '../store/ops/insert-hook-record.js';
import type { RelayDeps } from './deps.js';
import { type ManagerMessage, managerMessageFromHistory } from './manager-message.js';
import { amojoOutcome } from './relay-errors.js';

/** History pages (50 messages each) read when looking for a gap before a message. */
const PAGES = 2;

/**
 * Manager messages of `m`'s chat that are older than `m` and were never delivered (their hooks were lost, typically
 * while the bridge was down), oldest first. Each gets a hook-log row (deduplicated by its amojo id) so the log shows
 * it was recovered. Best effort: when amojo's history cannot be read the gap is left to periodic reconciliation,
 * which loses nothing but may deliver out of order.
 */
export async function findUndeliveredEarlierMessages(
  deps: RelayDeps,
  account: Account,
  m: ManagerMessage,
): Promise<ManagerMessage[]> {
  const items: HistoryItem[] = [];
  try {
    for (let page = 0; page < PAGES; page++) {
      const batch = await deps.amojo.getHistory(account.scopeId, m.amojoChatId, { offset: page * 50, limit: 50 });
      deps.metrics.amojoCalls.inc({ method: 'getHistory', outcome: 'ok' });
      items.push(...batch);
      if (batch.length < 50) break;
    }
  } catch (error) {
    deps.metrics.amojoCalls.inc({ method: 'getHistory', outcome: amojoOutcome(error) });
    deps.log.warn({ err: error, amojoChatId: m.amojoChatId }, 'gap check skipped: chat history unreadable');
    return [];
  }
  const earlier: ManagerMessage[] = [];
  for (const item of items.reverse()) {
    if (!item.receiver || item.message.id === m.amojoMsgId) continue;
    if (isImportedMsgid(item.message.client_id)) continue; // imported history, never relayed
    if ((item.msec_timestamp ?? item.timestamp * 1000) > m.sentAtMs) continue;
    if (item.message.client_id && (await findMessage(deps.store.db, { msgid: item.message.client_id }))) continue;
    const known = await findMessage(deps.store.db, { amojoMsgid: item.message.id });
    if (known && known.status !== 'pending') continue;
    earlier.push(managerMessageFromHistory(account.scopeId, m.amojoChatId, m.conversationId, item));
    await deps.store.transaction(async (trx) => {
      const stored = await insertHookRecord(trx, {
        scopeId: account.scopeId,
        kind: 'message',
        rawBody: JSON.stringify(item),
        signatureOk: true,
        dedupKey: item.message.id,
        outcome: 'accepted',
        reason: 'recovered from chat history before a later message of the chat (the hook never arrived)',
        receivedAt: deps.now().getTime(),
      });
      if (stored.duplicateOf !== undefined) await trx.deleteFrom('hooks').where('id', '=', stored.hookId).execute();
    });
  }
  if (earlier.length > 0) {
    deps.log.info(
      { amojoChatId: m.amojoChatId, recovered: earlier.length },
      'delivering missed earlier messages first',
    );
  }
  return earlier;
}

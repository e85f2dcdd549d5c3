/**
 * Prefix of every msgid `amojo-bridge import` sends. Imported messages are not stored as relayed messages, so the
 * recovery that looks for manager messages amojo has and the bridge never delivered must recognise them by this
 * prefix; otherwise an imported manager message would be "recovered" and sent to the customer.
 */
export const IMPORTED_MSGID_PREFIX = 'ab-i-';

/** Whether a history item's `client_id` is a message the import sent. */
export const isImportedMsgid = (msgid: string | undefined): boolean =>
  msgid?.startsWith(IMPORTED_MSGID_PREFIX) ?? false;

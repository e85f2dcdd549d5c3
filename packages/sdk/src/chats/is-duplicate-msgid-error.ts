import { AmojoApiError } from '../errors/amojo-error.js';

/** `error_type` of the refusal of a second message with an already used `msgid` (the sandbox's; spec 8.3). */
export const DUPLICATE_MSGID_ERROR_TYPE = 'DUPLICATE_MSGID';

/**
 * True when `error` is amojo's refusal of a `msgid` it has already accepted. After a retry (a lost answer, a crash
 * between sending and storing the result) this means the first attempt got through: count the message as delivered.
 * @example
 * try { await client.sendMessage(scopeId, { msgid: stored.msgid, ... }); }
 * catch (error) { if (!isDuplicateMsgidError(error)) throw error; }
 */
export function isDuplicateMsgidError(error: unknown): error is AmojoApiError {
  return (
    error instanceof AmojoApiError &&
    error.status >= 400 &&
    error.status < 500 &&
    error.errorType?.toUpperCase() === DUPLICATE_MSGID_ERROR_TYPE
  );
}

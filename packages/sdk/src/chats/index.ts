export { AmojoClient } from './amojo-client.js';
export { AMOJO_BASE_URL_COM, AMOJO_BASE_URL_KOMMO, AMOJO_BASE_URL_RU } from './base-urls.js';
export type * from './chat-options.js';
export type { ConnectResult, CreateChatResult, SentMessage } from './chat-results.js';
export { DUPLICATE_MSGID_ERROR_TYPE, isDuplicateMsgidError } from './is-duplicate-msgid-error.js';

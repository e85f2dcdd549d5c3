export type { FindMessageBy } from './find-message.js';
export { findMessage, listMessages } from './find-message.js';
export type { InsertedMessage, InsertMessageInput } from './insert-message.js';
export { insertMessage } from './insert-message.js';
export type { Message } from './message.js';
export type { MessageStatusEntry } from './record-message-status.js';
export { listMessageStatuses, recordMessageStatus } from './record-message-status.js';
export { setMessageAmojoMsgId } from './set-message-amojo-msgid.js';
